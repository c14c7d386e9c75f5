/**
 * A plan's activities: add, remove, reorder; each with a title, minutes and notes. The list is
 * one field of the plan, saved as the teacher types. The minutes add up against the lesson's
 * length, with a warning when they run over.
 */
import { useId } from 'react';
import { useI18n } from '../../i18n/useI18n.js';
import { useAutosave } from '../../lib/useAutosave.js';
import type { PlanActivity } from '../../types.js';
import { SaveStatus } from '../SaveStatus.js';

const MAX_ACTIVITIES = 50;
const sameList = (a: PlanActivity[], b: PlanActivity[]) => JSON.stringify(a) === JSON.stringify(b);

/** Minutes planned in all, and by how many the plan runs over the lesson (0 when it fits). */
export function planTime(activities: readonly PlanActivity[], startsAt: string, endsAt: string) {
  const planned = activities.reduce((sum, a) => sum + a.minutes, 0);
  const length = Math.max(0, Math.round((Date.parse(endsAt) - Date.parse(startsAt)) / 60_000));
  return { planned, length, over: Math.max(0, planned - length) };
}

export function PlanTime(props: { activities: readonly PlanActivity[]; startsAt: string; endsAt: string }) {
  const { t } = useI18n();
  const { planned, length, over } = planTime(props.activities, props.startsAt, props.endsAt);
  return (
    <p className={over > 0 ? 'plan-time over' : 'plan-time muted'} aria-live="polite">
      {t('plan.timeTotal', {
        planned: t('plan.minutes', { count: planned }),
        length: t('plan.minutes', { count: length }),
      })}
      {over > 0 && (
        <>
          {' '}
          <strong role="alert">{t('plan.overTime', { count: over })}</strong>
        </>
      )}
    </p>
  );
}

export function PlanActivities(props: {
  stored: PlanActivity[];
  save: (activities: PlanActivity[]) => Promise<boolean>;
  startsAt: string;
  endsAt: string;
}) {
  const { t } = useI18n();
  const headingId = useId();
  const statusId = useId();
  const list = useAutosave(props.stored, props.save, sameList);
  const items = list.value;
  const update = (i: number, patch: Partial<PlanActivity>) =>
    list.change(items.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  // Adding, removing and moving save at once: there is no typing to wait for.
  const restructure = (next: PlanActivity[]) => {
    list.change(next);
    list.flush();
  };
  const move = (i: number, by: -1 | 1) => {
    const next = [...items];
    const [a] = next.splice(i, 1);
    next.splice(i + by, 0, a!);
    restructure(next);
  };

  return (
    <section className="plan-activities" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('plan.activities')}</h3>
      {items.length === 0 ? (
        <p className="muted">{t('plan.activity.none')}</p>
      ) : (
        <>
          <div className="activity-head" aria-hidden="true">
            <span />
            <span>{t('print.activity')}</span>
            <span>{t('print.minutes')}</span>
          </div>
          <ol className="activity-list">
            {items.map((a, i) => {
              const n = i + 1;
              return (
                <li key={i} className="activity">
                  <span className="activity-n" aria-hidden="true">
                    {n}
                  </span>
                  <input
                    type="text"
                    aria-label={t('plan.activity.title', { n })}
                    value={a.title}
                    maxLength={200}
                    onChange={(e) => update(i, { title: e.target.value })}
                    onBlur={() => list.flush()}
                  />
                  <input
                    type="number"
                    inputMode="numeric"
                    aria-label={t('plan.activity.minutes', { n })}
                    min={0}
                    max={600}
                    step={1}
                    value={a.minutes}
                    onChange={(e) => {
                      const m = Math.trunc(Number(e.target.value));
                      update(i, { minutes: Number.isFinite(m) ? Math.min(600, Math.max(0, m)) : 0 });
                    }}
                    onBlur={() => list.flush()}
                  />
                  <span className="activity-actions">
                    <button
                      type="button"
                      className="icon"
                      disabled={i === 0}
                      aria-label={t('plan.activity.up', { n })}
                      title={t('plan.activity.up', { n })}
                      onClick={() => move(i, -1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="icon"
                      disabled={i === items.length - 1}
                      aria-label={t('plan.activity.down', { n })}
                      title={t('plan.activity.down', { n })}
                      onClick={() => move(i, 1)}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="icon danger"
                      aria-label={t('plan.activity.remove', { n })}
                      title={t('plan.activity.remove', { n })}
                      onClick={() => restructure(items.filter((_, j) => j !== i))}
                    >
                      ✕
                    </button>
                  </span>
                  <textarea
                    className="activity-notes"
                    rows={1}
                    maxLength={5000}
                    aria-label={t('plan.activity.notes', { n })}
                    placeholder={t('plan.activity.notesPlaceholder')}
                    value={a.notes}
                    onChange={(e) => update(i, { notes: e.target.value })}
                    onBlur={() => list.flush()}
                  />
                </li>
              );
            })}
          </ol>
        </>
      )}
      <PlanTime activities={items} startsAt={props.startsAt} endsAt={props.endsAt} />
      <div className="actions">
        <button
          type="button"
          disabled={items.length >= MAX_ACTIVITIES}
          onClick={() => restructure([...items, { title: '', minutes: 10, notes: '' }])}
        >
          {t('plan.activity.add')}
        </button>
      </div>
      <SaveStatus id={statusId} state={list.state} failed={t('plan.failed')} />
    </section>
  );
}
