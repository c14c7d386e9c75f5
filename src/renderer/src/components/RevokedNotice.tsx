/**
 * Tells the teacher a school was removed from this device (membership ended), and where the edits
 * not yet sent there went (kept aside, on the Needs attention page).
 */
import { useI18n } from '../i18n/useI18n.js';
import { useRouter } from '../state/router.js';
import { useSchools } from '../state/schools.js';
import { useSync } from '../state/sync.js';

export function RevokedNotice() {
  const { t } = useI18n();
  const removed = useSchools((s) => s.removed);
  const kept = useSync((s) => s.status?.quarantined ?? 0);
  const onAttention = useRouter((s) => s.route.name === 'attention');
  if (removed.length === 0) return null;
  return (
    <div className="notice" role="alert">
      <ul>
        {removed.map((name, i) => (
          <li key={i}>{name ? t('school.removed', { name }) : t('school.removedUnnamed')}</li>
        ))}
      </ul>
      {kept > 0 && (
        <p>
          {t('school.keptAside', { count: kept })}{' '}
          {!onAttention && (
            <button type="button" onClick={() => useRouter.getState().navigate({ name: 'attention' })}>
              {t('school.seeKeptAside')}
            </button>
          )}
        </p>
      )}
      <button type="button" className="ghost" onClick={() => useSchools.getState().dismissNotice()}>
        {t('common.closeNotice')}
      </button>
    </div>
  );
}
