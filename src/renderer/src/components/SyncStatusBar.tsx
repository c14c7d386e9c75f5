/** Always-visible sync status: state, last sync, pending edits, first-sync progress, actions. */
import { useI18n } from '../i18n/useI18n.js';
import { useRouter } from '../state/router.js';
import { useSchools } from '../state/schools.js';
import { attentionCount, statusWord, totalProgress } from '../state/sync-logic.js';
import { useSync } from '../state/sync.js';

export function SyncStatusBar() {
  const { t, fmt } = useI18n();
  const status = useSync((s) => s.status);
  const progress = useSync((s) => s.progress);
  const schools = useSchools((s) => s.schools);
  const word = statusWord(status);
  const first = totalProgress(progress);
  const syncingSchools = Object.keys(progress)
    .map((id) => schools.find((s) => s.id === Number(id))?.name)
    .filter((n): n is string => !!n);
  const attention = attentionCount(status);
  const pending = status?.pending ?? 0;
  const offlineNotice = useSync((s) => s.offlineNotice);

  return (
    <div className="sync-bar">
      <div role="status" aria-live="polite" className={`sync-state sync-${word}`}>
        <span className="dot" aria-hidden="true" />
        <strong>{t(`sync.${word}`)}</strong>
        <span className="muted">
          {status?.lastSyncedAt
            ? t('sync.lastSynced', { time: fmt.moment(status.lastSyncedAt) })
            : t('sync.never')}
        </span>
        <span className={pending > 0 ? 'pending' : 'muted'}>{t('sync.pending', { count: pending })}</span>
        {status?.lastError === 'signed_out' && <span className="error">{t('sync.signedOut')}</span>}
        {word === 'notAnswering' && <span className="error">{t('sync.notAnsweringDetail')}</span>}
        {offlineNotice && word === 'offline' && (
          <span className="sync-note">{t('sync.offlineNow', { count: pending })}</span>
        )}
      </div>
      {first && (
        <div className="sync-progress">
          <progress
            value={first.done}
            max={first.total}
            aria-label={t('sync.progressLabel', { schools: syncingSchools.join(', ') || '…' })}
          />
          <span className="muted">{t('sync.progress', { done: first.done, total: first.total })}</span>
        </div>
      )}
      <div className="sync-actions">
        <button type="button" onClick={() => void useSync.getState().syncNow()}>
          {t('sync.now')}
        </button>
        <button
          type="button"
          className={attention > 0 ? 'warn' : 'ghost'}
          onClick={() => useRouter.getState().navigate({ name: 'attention' })}
        >
          {t('sync.attention', { count: attention })}
        </button>
      </div>
    </div>
  );
}
