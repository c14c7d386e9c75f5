/** Small shared pieces: status badges, error lines, confirm dialogs. */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/useI18n.js';
import type { SessionStatus } from '../types.js';

export function StatusBadge({ status }: { status: SessionStatus }) {
  const { t } = useI18n();
  return <span className={`badge status-${status}`}>{t(`status.${status}`)}</span>;
}

export function ErrorLine({ error }: { error: { message: string } | null | undefined }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {t('common.error', { message: error.message })}
    </p>
  );
}

/** A modal confirmation (native <dialog>: focus trap and Escape for free). */
/** A native modal <dialog> (focus trap and Escape for free) with a title; its content renders while open. */
export function Modal(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    } else if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className={props.className ? `dialog ${props.className}` : 'dialog'}
      aria-labelledby={titleId}
      onClose={props.onClose}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.open && props.children}
    </dialog>
  );
}

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  danger?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Modal open={props.open} title={props.title} onClose={props.onClose}>
      <div>{props.children}</div>
      <div className="form-actions">
        {/* For a destructive action the safe choice has the focus. */}
        <button type="button" autoFocus={props.danger} onClick={props.onClose}>
          {t('confirm.back')}
        </button>
        <button
          type="button"
          className={props.danger ? 'danger' : 'primary'}
          autoFocus={!props.danger}
          onClick={() => {
            props.onConfirm();
            props.onClose();
          }}
        >
          {t('confirm.confirm')}
        </button>
      </div>
    </Modal>
  );
}

/**
 * A ref for a screen title that renders after its data: it takes the focus the frame parked on
 * <main> after navigating, so keyboard and screen reader users land on the title.
 */
export function takeFocusFromMain(el: HTMLElement | null): void {
  if (el && document.activeElement === el.closest('main')) el.focus();
}

/**
 * What a detail page (a session, a student, a print page) shows before its row is on screen:
 * "not found" with a way back, or loading with the last error.
 */
export function DetailPending(props: {
  back: ReactNode;
  error: { message: string } | null | undefined;
  /** Title and text when the device does not have the row; omitted where there is no such case. */
  notFound?: { title: string; text: string } | false;
}) {
  const { t } = useI18n();
  const { back, error, notFound } = props;
  return (
    <div className="screen">
      {back}
      {notFound ? (
        <>
          <h1 tabIndex={-1} ref={takeFocusFromMain}>
            {notFound.title}
          </h1>
          <p>{notFound.text}</p>
        </>
      ) : (
        <>
          <ErrorLine error={error} />
          <p className="muted">{t('common.loading')}</p>
        </>
      )}
    </div>
  );
}
