/** Pieces every console screen uses: a keyset-paged list, messages, CSV export, a confirm dialog. */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { ApiError, Page } from './api.js';
import { downloadCsv, type CsvValue } from './csv.js';
import { useT } from './i18n.js';

export interface PagedList<T> {
  items: T[];
  next: string | null;
  loading: boolean;
  error: Error | null;
  reload: () => Promise<void>;
  more: () => Promise<void>;
}

/** The first page of a list, and the next ones on demand ("Load more"). */
export function usePaged<T>(load: (cursor?: string) => Promise<Page<T>>): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      const p = await load();
      setItems(p.items);
      setNext(p.next_cursor);
      setError(null);
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  }, [load]);
  useEffect(() => {
    void reload();
  }, [reload]);
  const more = async () => {
    if (!next) return;
    setLoading(true);
    try {
      const p = await load(next);
      setItems((xs) => [...xs, ...p.items]);
      setNext(p.next_cursor);
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  };
  return { items, next, loading, error, reload, more };
}

/** Every page of a list (for an export). */
export async function allPages<T>(load: (cursor?: string) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await load(cursor);
    out.push(...p.items);
    cursor = p.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

export function ErrorLine({ error }: { error: Error | null | undefined }) {
  const { t } = useT();
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {t('app.error', { message: error.message })}
    </p>
  );
}

/** A polite live region saying what the last action did. */
export function Said({ text }: { text: string | null }) {
  return (
    <p role="status" className="said">
      {text ?? ''}
    </p>
  );
}

/** Runs an action, keeping its error (with the field at fault) for the form to show. */
export function useAction() {
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

export function ListFooter<T>({ list }: { list: PagedList<T> }) {
  const { t } = useT();
  return (
    <div className="list-footer">
      <span className="muted small">{t('list.count', { count: list.items.length })}</span>
      {list.next && (
        <button type="button" onClick={() => void list.more()} disabled={list.loading}>
          {t('list.more')}
        </button>
      )}
      {!list.loading && list.items.length === 0 && <span className="muted">{t('list.empty')}</span>}
    </div>
  );
}

export function ExportButton<T>(props: {
  fileName: string;
  load: (cursor?: string) => Promise<Page<T>>;
  header: string[];
  row: (item: T) => CsvValue[];
}) {
  const { t } = useT();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={() => {
        setBusy(true);
        void allPages(props.load)
          .then((items) => downloadCsv(props.fileName, props.header, items.map(props.row)))
          .finally(() => setBusy(false));
      }}
    >
      {t('list.export')}
    </button>
  );
}

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  confirm: string;
  cancel: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    else if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={props.onClose} className="card">
      <h2 id={titleId}>{props.title}</h2>
      <div className="form-actions">
        <button type="button" className="danger" onClick={props.onConfirm}>
          {props.confirm}
        </button>
        <button type="button" onClick={props.onClose}>
          {props.cancel}
        </button>
      </div>
    </dialog>
  );
}
