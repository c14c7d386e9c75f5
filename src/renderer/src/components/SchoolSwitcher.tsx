/**
 * Which school the screens show: one of the teacher's schools on this device, or all of them. A
 * teacher of one school has nothing to choose: the school's name shows instead.
 */
import { useId } from 'react';
import { useI18n } from '../i18n/useI18n.js';
import { useSchools } from '../state/schools.js';

export function SchoolSwitcher() {
  const { t } = useI18n();
  const id = useId();
  const schools = useSchools((s) => s.schools);
  const selected = useSchools((s) => s.selected);
  const shown = selected !== null && schools.some((s) => s.id === selected) ? String(selected) : '';
  if (schools.length <= 1)
    return schools[0] ? <span className="school-switcher school-name">{schools[0].name}</span> : null;
  return (
    <div className="school-switcher">
      <label htmlFor={id}>{t('school.label')}</label>
      <select
        id={id}
        value={shown}
        onChange={(e) => useSchools.getState().select(e.target.value === '' ? null : Number(e.target.value))}
      >
        <option value="">{t('school.all')}</option>
        {schools.map((s) => (
          <option key={s.id} value={String(s.id)}>
            {s.name}
          </option>
        ))}
      </select>
    </div>
  );
}
