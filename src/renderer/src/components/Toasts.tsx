/**
 * In-app toasts for notifications that arrive while the app is open. They sit in the side column
 * under the navigation, in the page's flow, so they never cover a screen's content; Escape closes
 * the newest one (or the one holding the focus).
 */
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/useI18n.js';
import { useNotifications, type Toast } from '../state/notifications.js';
import { parseRoute, routeHref } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import { renderNotification } from '../../../shared/notification-text.js';

const TOAST_MS = 8_000;

function ToastItem({ toast }: { toast: Toast }) {
  const { t, language, locale } = useI18n();
  const zone = useSchools(
    (s) => s.schools.find((x) => x.id === toast.notification.school_id)?.timezone ?? null,
  );
  const [held, setHeld] = useState(false);
  const close = () => useNotifications.getState().closeToast(toast.key);
  const closeRef = useRef(close);
  closeRef.current = close;
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(() => closeRef.current(), TOAST_MS);
    return () => clearTimeout(timer);
  }, [held]);
  const n = toast.notification;
  const text = renderNotification(n, language, zone, locale);
  const target = n.action_url ? routeHref(parseRoute(n.action_url)) : null;
  return (
    <li
      className="toast"
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        close();
      }}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
    >
      <div className="toast-body">
        <strong>{text.title}</strong>
        {text.body && <p>{text.body}</p>}
        {target && (
          <a href={target} onClick={close}>
            {t('notifications.open')}
          </a>
        )}
      </div>
      <button type="button" className="ghost icon" aria-label={t('toast.close')} onClick={close}>
        ×
      </button>
    </li>
  );
}

export function Toasts() {
  const { t } = useI18n();
  const toasts = useNotifications((s) => s.toasts);
  useEffect(() => {
    if (toasts.length === 0) return;
    const onKey = (e: KeyboardEvent) => {
      // An open dialog or a field that uses Escape itself comes first.
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      const newest = useNotifications.getState().toasts.at(-1);
      if (newest) useNotifications.getState().closeToast(newest.key);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [toasts.length]);
  return (
    <section className="toasts" aria-label={t('toast.region')} aria-live="polite">
      <ul>
        {toasts.map((toast) => (
          <ToastItem key={toast.key} toast={toast} />
        ))}
      </ul>
    </section>
  );
}
