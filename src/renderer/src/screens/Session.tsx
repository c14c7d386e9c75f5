/** One session: details, status actions, the lesson plan, attendance, lesson notes and the lesson's files. */
import { useEffect, useState } from 'react';
import {
  ConfirmDialog,
  DetailPending,
  ErrorLine,
  StatusBadge,
  takeFocusFromMain,
} from '../components/bits.js';
import { LessonNotes } from '../components/LessonNotes.js';
import { HomeworkDue, LessonPlan } from '../components/plan/LessonPlan.js';
import { Roster } from '../components/Roster.js';
import { SessionFiles } from '../components/SessionFiles.js';
import { useI18n } from '../i18n/useI18n.js';
import { useChanges } from '../state/changes.js';
import { attendanceCounts } from '../state/session-logic.js';
import { useSession } from '../state/session.js';
import { routeHref } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import { useSync } from '../state/sync.js';

export function SessionScreen({ id }: { id: number }) {
  const { t, fmt } = useI18n();
  const version = useChanges((s) => s.synced);
  const stored = useSession((s) => (s.id === id ? s.detail : null));
  const notFound = useSession((s) => s.id === id && s.notFound);
  const error = useSession((s) => s.error);
  const online = useSync((s) => s.status?.online ?? false);
  const schools = useSchools((s) => s.schools);
  const [confirm, setConfirm] = useState<'complete' | 'cancel' | null>(null);

  useEffect(() => {
    void useSession.getState().load(id);
  }, [id, version]);

  const back = (
    <p className="back">
      <a href={routeHref({ name: 'sessions' })}>{t('session.back')}</a>
    </p>
  );

  if (notFound || !stored)
    return (
      <DetailPending
        back={back}
        error={error}
        notFound={notFound && { title: t('session.notFoundTitle'), text: t('session.notFound') }}
      />
    );

  const { session, course, roster } = stored;
  const counts = attendanceCounts(stored);
  const school = schools.find((s) => s.id === session.school_id)?.name;

  return (
    <div className="screen">
      {back}
      <div className="screen-head">
        <h1 tabIndex={-1} ref={takeFocusFromMain}>
          {session.title}
        </h1>
        <StatusBadge status={session.status} />
      </div>
      <ErrorLine error={error} />
      <dl className="details">
        <div>
          <dt>{t('session.when')}</dt>
          <dd>
            {fmt.day(session.starts_at)}, {fmt.timeRange(session.starts_at, session.ends_at)}
          </dd>
        </div>
        <div>
          <dt>{t('col.course')}</dt>
          <dd>{course ? `${course.name} (${course.code})` : '—'}</dd>
        </div>
        <div>
          <dt>{t('col.location')}</dt>
          <dd>{session.location || '—'}</dd>
        </div>
        {school && (
          <div>
            <dt>{t('session.school')}</dt>
            <dd>{school}</dd>
          </div>
        )}
        <div>
          <dt>{t('col.students')}</dt>
          <dd>{fmt.number(roster.length)}</dd>
        </div>
      </dl>

      {session.status === 'scheduled' && (
        <div className="actions">
          <button type="button" className="primary" onClick={() => setConfirm('complete')}>
            {t('session.complete')}
          </button>
          <button type="button" className="danger" onClick={() => setConfirm('cancel')}>
            {t('session.cancel')}
          </button>
        </div>
      )}
      <ConfirmDialog
        open={confirm !== null}
        danger={confirm === 'cancel'}
        title={confirm === 'cancel' ? t('session.cancelTitle') : t('session.completeTitle')}
        onClose={() => setConfirm(null)}
        onConfirm={() =>
          void (confirm === 'cancel' ? useSession.getState().cancel() : useSession.getState().complete())
        }
      >
        <p>
          {confirm === 'cancel'
            ? t('session.cancelConfirm', { title: session.title })
            : t('session.completeConfirm', { title: session.title })}
        </p>
      </ConfirmDialog>

      <HomeworkDue due={stored.homework_due} />
      <LessonPlan detail={stored} />

      <div className="session-grid">
        <section className="card">
          <h2>{t('roster.title')}</h2>
          {roster.length === 0 ? (
            <p className="muted">{t('roster.empty')}</p>
          ) : (
            <>
              <p className="muted" aria-live="polite">
                {t('roster.summary', {
                  present: t('roster.present', { count: counts.present }),
                  absent: t('roster.absent', { count: counts.absent }),
                  late: t('roster.late', { count: counts.late }),
                  unknown: t('roster.unknown', { count: counts.unknown }),
                })}
              </p>
              <p className="hint muted">{t('roster.keys')}</p>
              <Roster
                roster={roster}
                schoolId={session.school_id}
                onSet={(enrolmentId, a) => void useSession.getState().setAttendance(enrolmentId, a)}
              />
            </>
          )}
        </section>

        <div className="session-side">
          <section className="card">
            <LessonNotes sessionId={session.id} notes={session.lesson_notes} online={online} />
          </section>
          <SessionFiles detail={stored} />
        </div>
      </div>
    </div>
  );
}
