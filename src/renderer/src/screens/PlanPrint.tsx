/**
 * A lesson plan, or a week's plans, laid out for paper: the app's print stylesheet (@media
 * print in styles.css) leaves only the document. "Save as PDF" prints it with Electron's
 * printToPDF; in the browser harness the browser's own Print does.
 */
import { useEffect, useState } from 'react';
import { DetailPending, ErrorLine, takeFocusFromMain } from '../components/bits.js';
import { Markdown } from '../components/plan/Markdown.js';
import { planTime } from '../components/plan/PlanActivities.js';
import { useI18n } from '../i18n/useI18n.js';
import { useChanges } from '../state/changes.js';
import { useLessonPlan } from '../state/plan.js';
import { routeHref } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import type { SessionItem } from '../types.js';

function PlanSection(props: { title: string; source: string }) {
  if (props.source.trim() === '') return null;
  return (
    <section className="plan-doc-section">
      <h3>{props.title}</h3>
      <Markdown source={props.source} />
    </section>
  );
}

function PlanDocument({ s, schoolName }: { s: SessionItem; schoolName: string | undefined }) {
  const { t, fmt } = useI18n();
  const time = planTime(s.plan_activities, s.starts_at, s.ends_at);
  const empty =
    !s.plan_objectives.trim() &&
    s.plan_activities.length === 0 &&
    !s.plan_materials.trim() &&
    !s.plan_homework.trim() &&
    !s.lesson_notes.trim();
  const facts = [
    `${fmt.day(s.starts_at)}, ${fmt.timeRange(s.starts_at, s.ends_at)}`,
    s.course_name,
    s.location,
    schoolName,
  ].filter(Boolean);
  return (
    <article className="plan-doc">
      <header>
        <h2>{s.title}</h2>
        <p className="muted">{facts.join(' · ')}</p>
        {s.plan_ready && <p className="badge plan-ready">{t('plan.status.ready')}</p>}
      </header>
      {empty && <p className="muted">{t('print.noPlan')}</p>}
      <PlanSection title={t('plan.objectives')} source={s.plan_objectives} />
      {s.plan_activities.length > 0 && (
        <section className="plan-doc-section">
          <h3>{t('plan.activities')}</h3>
          <table className="activity-table">
            <thead>
              <tr>
                <th scope="col">{t('print.activity')}</th>
                <th scope="col">{t('print.minutes')}</th>
                <th scope="col">{t('print.notes')}</th>
              </tr>
            </thead>
            <tbody>
              {s.plan_activities.map((a, i) => (
                <tr key={i}>
                  <td>{a.title}</td>
                  <td className="num">{fmt.number(a.minutes)}</td>
                  <td>
                    <Markdown source={a.notes} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('print.total')}</th>
                <td className="num">{fmt.number(time.planned)}</td>
                <td>
                  {t('plan.timeTotal', {
                    planned: t('plan.minutes', { count: time.planned }),
                    length: t('plan.minutes', { count: time.length }),
                  })}
                  {time.over > 0 && <strong> {t('plan.overTime', { count: time.over })}</strong>}
                </td>
              </tr>
            </tfoot>
          </table>
        </section>
      )}
      <PlanSection title={t('plan.materials')} source={s.plan_materials} />
      <PlanSection title={t('plan.homework')} source={s.plan_homework} />
      <PlanSection title={t('notes.label')} source={s.lesson_notes} />
    </article>
  );
}

export function PlanPrintScreen({ id, week }: { id: number; week: boolean }) {
  const { t, fmt } = useI18n();
  const version = useChanges((s) => s.version);
  const selected = useSchools((s) => s.selected);
  const schools = useSchools((s) => s.schools);
  const key = `${id}:${week}:${selected}`;
  const doc = useLessonPlan((s) => (s.print?.key === key ? s.print : null));
  const error = useLessonPlan((s) => s.error);
  const [message, setMessage] = useState('');

  useEffect(() => {
    void useLessonPlan.getState().loadPrint(id, week, selected);
  }, [id, week, selected, version]);

  const back = (
    <p className="back no-print">
      <a href={routeHref({ name: 'session', id })}>{t('print.back')}</a>
    </p>
  );
  if (!doc) return <DetailPending back={back} error={error} />;

  const title =
    doc.weekStart !== null
      ? t('print.weekTitle', { date: fmt.date(doc.weekStart) })
      : t('print.title', { title: doc.anchor.session.title });
  const savePdf = async () => {
    setMessage('');
    const r = await useLessonPlan.getState().printPdf(title);
    if (!r) return;
    setMessage(
      r.outcome === 'saved'
        ? t('print.saved', { path: r.path ?? '' })
        : r.outcome === 'browser'
          ? t('print.browser')
          : '',
    );
  };

  return (
    <div className="screen print-screen">
      {back}
      <div className="screen-head">
        <h1 tabIndex={-1} ref={takeFocusFromMain}>
          {title}
        </h1>
      </div>
      <div className="actions no-print">
        <button type="button" className="primary" onClick={() => void savePdf()}>
          {t('print.savePdf')}
        </button>
      </div>
      <ErrorLine error={error} />
      <p className="muted no-print" role="status">
        {message}
      </p>
      {doc.sessions.length === 0 ? (
        <p className="muted">{t('print.noSessions')}</p>
      ) : (
        doc.sessions.map((s) => (
          <PlanDocument key={s.id} s={s} schoolName={schools.find((x) => x.id === s.school_id)?.name} />
        ))
      )}
    </div>
  );
}
