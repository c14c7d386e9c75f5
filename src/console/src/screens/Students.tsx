/** Students and their enrolments: add a student, enrol one in a session, remove an enrolment. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { SessionItem, StudentItem } from '../../../shared/admin-api.js';
import { api, school, type Page } from '../api.js';
import { useT } from '../i18n.js';
import { ErrorLine, ExportButton, ListFooter, Said, useAction, usePaged } from '../list.js';

type Student = StudentItem;
type Session = SessionItem;

export function StudentsScreen({ schoolId }: { schoolId: number }) {
  const { t, dateTime } = useT();
  const at = school(schoolId);
  const load = useCallback(
    (cursor?: string) => api<Page<Student>>('GET', at('/students'), { query: { cursor, active: 'true' } }),
    [schoolId],
  );
  const students = usePaged(load);
  const [sessions, setSessions] = useState<Session[]>([]);
  const action = useAction();
  const [said, setSaid] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [studentId, setStudentId] = useState('');
  const [sessionId, setSessionId] = useState('');
  const [everyone, setEveryone] = useState<Student[]>([]);

  // What can be chosen to enrol: the school's active students and its coming scheduled sessions.
  const loadChoices = useCallback(async () => {
    const [s, all] = await Promise.all([
      api<Page<Session>>('GET', at('/sessions'), {
        query: { status: 'scheduled', from: new Date().toISOString(), limit: 200 },
      }),
      api<Page<Student>>('GET', at('/students'), { query: { active: 'true', limit: 200 } }),
    ]);
    setSessions(s.items);
    setEveryone(all.items);
  }, [schoolId]);
  useEffect(() => {
    void loadChoices();
  }, [loadChoices]);

  const label = (s: { title: string; starts_at: string }) => `${s.title} — ${dateTime(s.starts_at)}`;
  const add = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await api('POST', at('/memberships'), { body: { email, name, role: 'student' } });
      setSaid(t('students.added', { name }));
      setName('');
      setEmail('');
      await Promise.all([students.reload(), loadChoices()]);
    });
  };
  const enrol = (e: FormEvent) => {
    e.preventDefault();
    const student = everyone.find((s) => s.user_id === Number(studentId));
    const session = sessions.find((s) => s.id === Number(sessionId));
    if (!student || !session) return;
    void action.run(async () => {
      await api('POST', at(`/sessions/${session.id}/enrolments`), { body: { student_id: student.user_id } });
      setSaid(t('students.enrolled', { name: student.name, session: label(session) }));
      await students.reload();
    });
  };
  const unenrol = (s: Student, e: Student['enrolments'][number]) =>
    action.run(async () => {
      await api('DELETE', at(`/sessions/${e.session_id}/enrolments/${s.user_id}`));
      setSaid(t('students.unenrolled', { name: s.name, session: label(e) }));
      await students.reload();
    });

  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('students.title')}</h1>
        <ExportButton
          fileName="students.csv"
          load={load}
          header={[t('students.name'), t('students.email'), t('students.enrolments')]}
          row={(s) => [s.name, s.email, s.enrolments.map(label).join('; ')]}
        />
      </div>
      <ErrorLine error={students.error ?? action.error} />
      <Said text={said} />
      <section className="card" aria-labelledby="enrol-heading">
        <h2 id="enrol-heading">{t('students.enrol')}</h2>
        <form className="inline-form" onSubmit={enrol}>
          <div className="field">
            <label htmlFor="enrol-student">{t('students.student')}</label>
            <select
              id="enrol-student"
              required
              value={studentId}
              onChange={(e) => setStudentId(e.target.value)}
            >
              <option value="">{t('students.choose')}</option>
              {everyone.map((s) => (
                <option key={s.user_id} value={s.user_id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="enrol-session">{t('students.session')}</label>
            <select
              id="enrol-session"
              required
              value={sessionId}
              onChange={(e) => setSessionId(e.target.value)}
            >
              <option value="">{t('students.choose')}</option>
              {sessions.map((s) => (
                <option key={s.id} value={s.id}>
                  {`${label(s)} (${s.teacher_name})`}
                </option>
              ))}
            </select>
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.busy}>
              {t('students.enrolSubmit')}
            </button>
          </div>
        </form>
      </section>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('students.name')}</th>
              <th scope="col">{t('students.email')}</th>
              <th scope="col">{t('students.enrolments')}</th>
            </tr>
          </thead>
          <tbody>
            {students.items.map((s) => (
              <tr key={s.user_id}>
                <td>{s.name}</td>
                <td>{s.email}</td>
                <td>
                  {s.enrolments.length === 0 ? (
                    <span className="muted">{t('students.none')}</span>
                  ) : (
                    <details>
                      <summary>{t('students.count', { count: s.enrolments.length })}</summary>
                      <ul className="plain-list">
                        {s.enrolments.map((e) => (
                          <li key={e.session_id} className="enrolment">
                            <span>{label(e)}</span>
                            <button
                              type="button"
                              className="ghost"
                              disabled={action.busy}
                              onClick={() => void unenrol(s, e)}
                              aria-label={t('students.unenrol', { name: s.name, session: label(e) })}
                            >
                              ✕
                            </button>
                          </li>
                        ))}
                      </ul>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={students} />
      <section className="card" aria-labelledby="add-student">
        <h2 id="add-student">{t('students.add')}</h2>
        <form className="inline-form" onSubmit={add}>
          <div className="field">
            <label htmlFor="student-name">{t('students.name')}</label>
            <input
              id="student-name"
              type="text"
              required
              maxLength={200}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="student-email">{t('students.email')}</label>
            <input
              id="student-email"
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.busy}>
              {t('students.addSubmit')}
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
