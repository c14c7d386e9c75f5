/** Tells the teacher a school was removed from this device (membership ended). */
import { useI18n } from '../i18n/useI18n.js';
import { useSchools } from '../state/schools.js';

export function RevokedNotice() {
  const { t } = useI18n();
  const removed = useSchools((s) => s.removed);
  if (removed.length === 0) return null;
  return (
    <div className="notice" role="alert">
      <ul>
        {removed.map((name, i) => (
          <li key={i}>{name ? t('school.removed', { name }) : t('school.removedUnnamed')}</li>
        ))}
      </ul>
      <button type="button" className="ghost" onClick={() => useSchools.getState().dismissNotice()}>
        {t('common.closeNotice')}
      </button>
    </div>
  );
}
