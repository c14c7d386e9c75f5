/** Edits the server refused (with its reason) or that conflicted, and edits kept aside from removed schools. */
import { useEffect } from 'react';
import { ErrorLine } from '../components/bits.js';
import { KeptAside } from '../components/KeptAside.js';
import { useI18n } from '../i18n/useI18n.js';
import type { MessageKey } from '../i18n/i18n.js';
import { useSchools } from '../state/schools.js';
import { valueText, viewAttention, type AttentionView } from '../state/sync-logic.js';
import { useSync } from '../state/sync.js';

const TYPE_LABELS: Record<string, MessageKey> = {
  update_lesson_notes: 'editType.update_lesson_notes',
  set_attendance: 'editType.set_attendance',
  complete_session: 'editType.complete_session',
  cancel_session: 'editType.cancel_session',
  mark_notification_read: 'editType.mark_notification_read',
  dismiss_notification: 'editType.dismiss_notification',
  update_resource_metadata: 'editType.update_resource_metadata',
  upload_resource: 'editType.upload_resource',
};

const ATTENDANCE_VALUES = ['unknown', 'present', 'absent', 'late'] as const;
const STATUS_VALUES = ['scheduled', 'completed', 'cancelled'] as const;

function useTypeLabel() {
  const { t } = useI18n();
  return (type: string) => {
    const key = TYPE_LABELS[type];
    return key ? t(key) : type;
  };
}

function AttentionEntry({ view }: { view: AttentionView }) {
  const { t, fmt } = useI18n();
  const typeLabel = useTypeLabel();
  const schools = useSchools((s) => s.schools);
  const { item, args, conflict } = view;
  const school = schools.find((s) => s.id === item.school_id)?.name;
  const show = (v: unknown) => {
    const a = ATTENDANCE_VALUES.find((x) => x === v);
    if (a) return t(`attendance.${a}`);
    const s = conflict?.field === 'status' ? STATUS_VALUES.find((x) => x === v) : undefined;
    return s ? t(`status.${s}`) : valueText(v);
  };
  const subject =
    item.subject ??
    (typeof args.title === 'string'
      ? args.title
      : typeof args.session_id === 'number'
        ? t('attention.session', { id: args.session_id })
        : null);
  return (
    <li className="card attention-item">
      <h2 className="h3">
        {typeLabel(item.type)}
        {subject ? ` — ${subject}` : ''}
      </h2>
      <p className="muted small">
        {t('attention.madeAt', { time: fmt.moment(item.created_at) })}
        {school ? ` · ${school}` : ''}
      </p>
      <p>
        <strong>{t('attention.reason')}</strong> {item.message || item.code}
      </p>
      {conflict && (
        <dl className="conflict">
          <div>
            <dt>{t('attention.yourValue')}</dt>
            <dd className="pre">{show(conflict.your_value)}</dd>
          </div>
          <div>
            <dt>{t('attention.serverValue')}</dt>
            <dd className="pre">{show(conflict.server_value)}</dd>
          </div>
        </dl>
      )}
      <div className="form-actions">
        <button type="button" className="primary" onClick={() => void useSync.getState().retry(item.id)}>
          {conflict ? t('attention.restore') : t('attention.retry')}
        </button>
        <button type="button" className="danger" onClick={() => void useSync.getState().discard(item.id)}>
          {t('attention.discard')}
        </button>
      </div>
    </li>
  );
}

export function AttentionScreen() {
  const { t } = useI18n();
  const typeLabel = useTypeLabel();
  const attention = useSync((s) => s.attention);
  const error = useSync((s) => s.error);

  useEffect(() => {
    void useSync.getState().loadAttention();
  }, []);

  return (
    <div className="screen">
      <h1 tabIndex={-1}>{t('attention.title')}</h1>
      <ErrorLine error={error} />
      {attention.length === 0 ? (
        <p className="empty">{t('attention.none')}</p>
      ) : (
        <>
          <p className="muted">{t('attention.intro')}</p>
          <ul className="attention-list">
            {attention.map((a) => (
              <AttentionEntry key={a.id} view={viewAttention(a)} />
            ))}
          </ul>
        </>
      )}
      <KeptAside typeLabel={typeLabel} />
    </div>
  );
}
