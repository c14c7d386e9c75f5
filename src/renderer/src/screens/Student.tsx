/**
 * A student's page, from the device's store: their courses with this teacher, attendance history
 * and rate, and the teacher's private note about them (in that teacher's view alone:
 * docs/ARCHITECTURE.md, "Rows a device creates").
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { DetailPending, ErrorLine, StatusBadge, takeFocusFromMain } from '../components/bits.js';
import { useI18n } from '../i18n/useI18n.js';
import { useChanges } from '../state/changes.js';
import { routeHref } from '../state/routes.js';
import { useSchools } from '../state/schools.js';
import { attendanceRate } from '../state/student-logic.js';
import { useStudent } from '../state/student.js';
import { useSync } from '../state/sync.js';
import type { StudentDetail } from '../types.js';

export function StudentScreen({ schoolId, id }: { schoolId: number; id: number }) {
  const { t, fmt } = useI18n();
  const version = useChanges((s) => s.synced);
  const key = `${schoolId}/${id}`;
  const detail = useStudent((s) => (s.key === key ? s.detail : null));
  const notFound = useStudent((s) => s.key === key && s.notFound);
  const error = useStudent((s) => s.error);
  const school = useSchools((s) => s.schools.find((x) => x.id === schoolId)?.name);

  useEffect(() => {
    void useStudent.getState().load(schoolId, id);
  }, [schoolId, id, version]);

  const back = (
    <p className="back">
      <a href={routeHref({ name: 'students' })}>{t('student.back')}</a>
    </p>
  );
  if (notFound || !detail)
    return (
      <DetailPending
        back={back}
        error={error}
        notFound={notFound && { title: t('student.notFoundTitle'), text: t('student.notFound') }}
      />
    );

  const { student, courses, attendance } = detail;
  const rate = attendanceRate(attendance);

  return (
    <div className="screen">
      {back}
      <div className="screen-head">
        <h1 tabIndex={-1} ref={takeFocusFromMain}>
          {student.name}
        </h1>
      </div>
      <ErrorLine error={error} />
      <dl className="details">
        <div>
          <dt>{t('student.email')}</dt>
          <dd>{student.email}</dd>
        </div>
        {school && (
          <div>
            <dt>{t('student.school')}</dt>
            <dd>{school}</dd>
          </div>
        )}
        <div>
          <dt>{t('student.courses')}</dt>
          <dd>
            {courses.length === 0
              ? t('student.noCourses')
              : courses.map((c) => `${c.name} (${c.code})`).join(', ')}
          </dd>
        </div>
      </dl>

      <div className="session-grid">
        <section className="card" aria-labelledby="student-attendance">
          <h2 id="student-attendance">{t('student.attendance')}</h2>
          <p>
            {rate.marked === 0
              ? t('student.noRate')
              : t('student.rate', {
                  count: rate.marked,
                  attended: fmt.number(rate.attended),
                  percent: fmt.percent(rate.attended / rate.marked),
                })}
          </p>
          {attendance.length === 0 ? (
            <p className="muted">{t('student.noSessions')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">{t('student.history')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('student.colDate')}</th>
                    <th scope="col">{t('student.colSession')}</th>
                    <th scope="col">{t('col.course')}</th>
                    <th scope="col">{t('student.colAttendance')}</th>
                  </tr>
                </thead>
                <tbody>
                  {attendance.map((a) => (
                    <tr key={a.enrolment_id}>
                      <td className="nowrap">{fmt.day(a.starts_at)}</td>
                      <td>
                        <a href={routeHref({ name: 'session', id: a.session_id })}>{a.title}</a>{' '}
                        {a.status !== 'scheduled' && <StatusBadge status={a.status} />}
                      </td>
                      <td>{a.course_name ?? '—'}</td>
                      <td>
                        <span className={`att-label att-${a.attendance}`}>
                          {t(`attendance.${a.attendance}`)}
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <div className="session-side">
          <section className="card" aria-labelledby="student-note">
            <h2 id="student-note">{t('student.note')}</h2>
            <StudentNote key={key} detail={detail} />
          </section>
        </div>
      </div>
    </div>
  );
}

/** The teacher's private note: typed, then saved (one edit) with "Save note". */
function StudentNote({ detail }: { detail: StudentDetail }) {
  const { t } = useI18n();
  const id = useId();
  const hintId = useId();
  const online = useSync((s) => s.status?.online ?? false);
  const stored = detail.note?.body ?? '';
  const [text, setText] = useState(stored);
  const [state, setState] = useState<'idle' | 'saved' | 'failed'>('idle');
  const dirty = text !== stored;

  // A note arriving from another device replaces the text unless the teacher is editing it.
  const [seen, setSeen] = useState(stored);
  if (stored !== seen) {
    setSeen(stored);
    if (text === seen) setText(stored);
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void useStudent
      .getState()
      .saveNote(text)
      .then((ok) => setState(ok ? 'saved' : 'failed'));
  };

  return (
    <form className="notes" onSubmit={submit} noValidate>
      <label htmlFor={id}>{t('student.noteLabel', { name: detail.student.name })}</label>
      <p id={hintId} className="hint muted">
        {t('student.noteHint')}
      </p>
      <textarea
        id={id}
        rows={8}
        maxLength={20_000}
        value={text}
        aria-describedby={hintId}
        onChange={(e) => {
          setText(e.target.value);
          setState('idle');
        }}
      />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={!dirty && state !== 'failed'}>
          {t('student.saveNote')}
        </button>
        <span className="muted save-state" aria-live="polite">
          {state === 'failed'
            ? t('notes.failed')
            : state === 'saved'
              ? online
                ? t('notes.saved')
                : `${t('notes.saved')}. ${t('notes.willSync')}`
              : ''}
        </span>
      </div>
    </form>
  );
}
