/** The dashboard's "next class" card: course, time (in its school's time zone), room, plan, files. */
import { createFormatter } from '../i18n/format.js';
import { useI18n } from '../i18n/useI18n.js';
import { routeHref } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import { planStatus } from '../state/session-logic.js';
import type { Dashboard } from '../types.js';

export function NextClass({ next }: { next: Dashboard['next_class'] }) {
  const { t, locale } = useI18n();
  const schools = useSchools((s) => s.schools);
  if (!next) {
    return (
      <section className="card next-class" aria-labelledby="next-class-title">
        <h2 id="next-class-title">{t('nextClass.title')}</h2>
        <p className="muted">{t('nextClass.none')}</p>
      </section>
    );
  }
  const s = next.session;
  const school = schools.find((x) => x.id === s.school_id);
  const fmt = createFormatter(locale, school?.timezone ?? undefined);
  const plan = planStatus(s);
  const missing = next.files.filter((f) => !f.on_device).length;
  return (
    <section className="card next-class" aria-labelledby="next-class-title">
      <h2 id="next-class-title">{t('nextClass.title')}</h2>
      <p className="next-class-what">
        <a href={routeHref({ name: 'session', id: s.id })}>{s.course_name ?? s.title}</a>
        {s.course_name && <span className="muted"> · {s.title}</span>}
      </p>
      <p>
        <span className="day">{fmt.day(s.starts_at)} </span>
        {fmt.timeRange(s.starts_at, s.ends_at)}
        {s.location && <span> · {t('nextClass.room', { room: s.location })}</span>}
        {schools.length > 1 && school && <span className="muted"> · {school.name}</span>}
      </p>
      <p>
        <span className={`badge plan-${plan}`}>{t(`plan.status.${plan}`)}</span>{' '}
        {next.files.length === 0 ? (
          <span className="muted">{t('nextClass.noFiles')}</span>
        ) : (
          <span>
            {t('nextClass.files', { count: next.files.length })} —{' '}
            {missing === 0 ? t('nextClass.filesOffline') : t('nextClass.filesMissing', { count: missing })}
          </span>
        )}
      </p>
    </section>
  );
}
