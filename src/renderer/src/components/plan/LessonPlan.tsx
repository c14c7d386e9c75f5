/**
 * The lesson plan on a session page (docs/ARCHITECTURE.md, "Lesson plans"): objectives,
 * activities, materials and homework — each saved on its own as the teacher types, so edits
 * of different fields on two devices both survive — the "ready" mark, and reuse (the last
 * lesson's plan, templates) and printing. The free notes are the LessonNotes box.
 */
import { useEffect, useId, useState } from 'react';
import { useI18n } from '../../i18n/useI18n.js';
import { useLessonPlan, type PlanFields } from '../../state/plan.js';
import { routeHref } from '../../state/routes.js';
import type { SessionDetail, SessionItem } from '../../types.js';
import { ConfirmDialog, ErrorLine } from '../bits.js';
import { Markdown } from './Markdown.js';
import { MarkdownField } from './MarkdownField.js';
import { PlanActivities } from './PlanActivities.js';
import { SaveTemplateDialog, TemplatePicker } from './PlanDialogs.js';

export type PlanStatus = 'empty' | 'drafted' | 'ready';

/** Empty (nothing written), drafted, or marked ready by the teacher. */
export function planStatus(s: SessionItem): PlanStatus {
  if (s.plan_ready) return 'ready';
  const written =
    s.plan_objectives.trim() !== '' ||
    s.plan_activities.length > 0 ||
    s.plan_materials.trim() !== '' ||
    s.plan_homework.trim() !== '' ||
    s.lesson_notes.trim() !== '';
  return written ? 'drafted' : 'empty';
}

export const planContentOf = (s: SessionItem) => ({
  objectives: s.plan_objectives,
  activities: s.plan_activities,
  materials: s.plan_materials,
  homework: s.plan_homework,
  notes: s.lesson_notes,
});

/** "Homework due today": what the course's previous lesson set. */
export function HomeworkDue({ due }: { due: SessionDetail['homework_due'] }) {
  const { t, fmt } = useI18n();
  const headingId = useId();
  if (!due) return null;
  return (
    <section className="card homework-due" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('plan.homeworkDue')}</h2>
      <p className="muted">
        {t('plan.homeworkFrom', { title: due.title, date: fmt.day(due.starts_at) })}{' '}
        <a href={routeHref({ name: 'session', id: due.session_id })}>{t('plan.openLesson')}</a>
      </p>
      <Markdown source={due.homework} />
    </section>
  );
}

export function LessonPlan({ detail }: { detail: SessionDetail }) {
  const { t, fmt } = useI18n();
  const headingId = useId();
  const error = useLessonPlan((s) => s.error);
  const { session, previous_plan: previous } = detail;
  const [dialog, setDialog] = useState<'copy' | 'template' | 'save' | null>(null);
  const [notice, setNotice] = useState('');
  const save = (fields: PlanFields) => useLessonPlan.getState().savePlan(session.id, fields);
  const status = planStatus(session);
  // The mark shows the teacher's click at once (the edit is applied locally, and the page reloads
  // the session a moment later); a refused edit puts it back.
  const [ready, setReady] = useState(session.plan_ready);
  useEffect(() => setReady(session.plan_ready), [session.plan_ready]);

  return (
    <section className="card lesson-plan" aria-labelledby={headingId}>
      <div className="plan-head">
        <h2 id={headingId}>{t('plan.title')}</h2>
        <span className={`badge plan-${status}`}>{t(`plan.status.${status}`)}</span>
        <label className="plan-ready">
          <input
            type="checkbox"
            checked={ready}
            onChange={(e) => {
              const next = e.target.checked;
              setReady(next);
              void save({ ready: next }).then((ok) => {
                if (!ok) setReady(session.plan_ready);
              });
            }}
          />
          {t('plan.ready')}
        </label>
      </div>
      <ErrorLine error={error} />

      <div className="plan-tools" role="group" aria-label={t('plan.tools')}>
        {previous && (
          <button type="button" onClick={() => setDialog('copy')}>
            {t('plan.copyLast')}
          </button>
        )}
        <button type="button" onClick={() => setDialog('template')}>
          {t('plan.fromTemplate')}
        </button>
        <button type="button" onClick={() => setDialog('save')}>
          {t('plan.saveTemplate')}
        </button>
        <a className="button-link" href={routeHref({ name: 'planPrint', id: session.id, week: false })}>
          {t('plan.print')}
        </a>
        <a className="button-link" href={routeHref({ name: 'planPrint', id: session.id, week: true })}>
          {t('plan.printWeek')}
        </a>
      </div>
      <p className="muted" role="status">
        {notice}
      </p>

      <div className="plan-fields">
        <MarkdownField
          label={t('plan.objectives')}
          heading={(label) => <h3>{label}</h3>}
          stored={session.plan_objectives}
          save={(objectives) => save({ objectives })}
          failed={t('plan.failed')}
          maxLength={20_000}
        />
        <MarkdownField
          label={t('plan.materials')}
          heading={(label) => <h3>{label}</h3>}
          stored={session.plan_materials}
          save={(materials) => save({ materials })}
          failed={t('plan.failed')}
          rows={3}
          maxLength={20_000}
        />
        <PlanActivities
          stored={session.plan_activities}
          save={(activities) => save({ activities })}
          startsAt={session.starts_at}
          endsAt={session.ends_at}
        />
        <MarkdownField
          label={t('plan.homework')}
          heading={(label) => <h3>{label}</h3>}
          stored={session.plan_homework}
          save={(homework) => save({ homework })}
          failed={t('plan.failed')}
          rows={3}
          maxLength={20_000}
        />
      </div>

      {previous && (
        <ConfirmDialog
          open={dialog === 'copy'}
          title={t('plan.copyTitle')}
          onClose={() => setDialog(null)}
          onConfirm={() =>
            void useLessonPlan
              .getState()
              .applyContent(session.id, previous.content)
              .then((ok) => ok && setNotice(t('plan.copied', { title: previous.title })))
          }
        >
          <p>{t('plan.copyConfirm', { title: previous.title, date: fmt.day(previous.starts_at) })}</p>
        </ConfirmDialog>
      )}
      <TemplatePicker
        open={dialog === 'template'}
        onClose={() => setDialog(null)}
        onUse={(content) => void useLessonPlan.getState().applyContent(session.id, content)}
      />
      <SaveTemplateDialog
        open={dialog === 'save'}
        defaultName={session.course_name ?? session.title}
        onClose={() => setDialog(null)}
        onSave={(name) =>
          void useLessonPlan
            .getState()
            .saveTemplate(session.school_id, name, planContentOf(session))
            .then((ok) => ok && setNotice(t('plan.templateSaved', { name })))
        }
      />
    </section>
  );
}
