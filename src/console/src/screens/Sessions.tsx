/** Sessions: filter by teacher, course and week; schedule, edit and cancel (its teacher is notified). */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { CourseItem, MembershipItem, SessionItem } from '../../../shared/admin-api.js';
import { api, school, type Page } from '../api.js';
import { useT, type ConsoleKey } from '../i18n.js';
import { ConfirmDialog, ErrorLine, ExportButton, ListFooter, Said, useAction, usePaged } from '../list.js';

type Session = SessionItem;

/** `YYYY-MM-DDTHH:mm` in this browser's zone, for a datetime-local input. */
function localInput(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
const fromInput = (v: string) => new Date(v).toISOString();

interface Draft {
  title: string;
  teacher_id: string;
  course_id: string;
  location: string;
  starts: string;
  ends: string;
}
const emptyDraft = (): Draft => ({
  title: '',
  teacher_id: '',
  course_id: '',
  location: '',
  starts: '',
  ends: '',
});

export function SessionsScreen({ schoolId }: { schoolId: number }) {
  const { t, dateTime } = useT();
  const at = school(schoolId);
  const [teachers, setTeachers] = useState<Array<MembershipItem>>([]);
  const [courses, setCourses] = useState<Array<CourseItem>>([]);
  // This week to begin with: what a secretary looks at first.
  const [filter, setFilter] = useState({
    teacher_id: '',
    course_id: '',
    week: localInput(new Date().toISOString()).slice(0, 10),
  });
  const load = useCallback(
    (cursor?: string) => api<Page<Session>>('GET', at('/sessions'), { query: { cursor, ...filter } }),
    [schoolId, filter],
  );
  const list = usePaged(load);
  const action = useAction();
  const [said, setSaid] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [editing, setEditing] = useState<Session | null>(null);
  const [cancelling, setCancelling] = useState<Session | null>(null);

  useEffect(() => {
    void Promise.all([
      api<Page<MembershipItem>>('GET', at('/memberships'), {
        query: { role: 'teacher', active: 'true', limit: 200 },
      }),
      api<Page<CourseItem>>('GET', at('/courses'), { query: { limit: 200 } }),
    ]).then(([tp, cp]) => {
      setTeachers(tp.items);
      setCourses(cp.items);
    });
  }, [schoolId]);

  const edit = (s: Session) => {
    setEditing(s);
    setDraft({
      title: s.title,
      teacher_id: String(s.teacher_id),
      course_id: s.course_id ? String(s.course_id) : '',
      location: s.location,
      starts: localInput(s.starts_at),
      ends: localInput(s.ends_at),
    });
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      title: draft.title,
      teacher_id: Number(draft.teacher_id),
      course_id: draft.course_id ? Number(draft.course_id) : null,
      location: draft.location,
      starts_at: fromInput(draft.starts),
      ends_at: fromInput(draft.ends),
    };
    void action.run(async () => {
      if (editing) {
        await api('PATCH', at(`/sessions/${editing.id}`), { body });
        setSaid(t('sessions.updated', { title: draft.title }));
      } else {
        await api('POST', at('/sessions'), { body });
        setSaid(t('sessions.created', { title: draft.title }));
      }
      setEditing(null);
      setDraft(emptyDraft());
      await list.reload();
    });
  };
  const cancel = (s: Session) =>
    action.run(async () => {
      setCancelling(null);
      await api('PATCH', at(`/sessions/${s.id}`), { body: { status: 'cancelled' } });
      setSaid(t('sessions.cancelled', { title: s.title }));
      await list.reload();
    });
  const set = (k: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('sessions.title')}</h1>
        <ExportButton
          fileName="sessions.csv"
          load={load}
          header={[
            t('sessions.when'),
            t('sessions.session'),
            t('sessions.teacher'),
            t('sessions.course'),
            t('sessions.location'),
            t('sessions.status'),
            t('sessions.students'),
          ]}
          row={(s) => [
            s.starts_at,
            s.title,
            s.teacher_name,
            s.course_name ?? '',
            s.location,
            s.status,
            s.student_count,
          ]}
        />
      </div>
      <form
        className="inline-form filters"
        aria-label={t('sessions.filters')}
        onSubmit={(e) => e.preventDefault()}
      >
        <div className="field">
          <label htmlFor="filter-teacher">{t('sessions.teacher')}</label>
          <select
            id="filter-teacher"
            value={filter.teacher_id}
            onChange={(e) => setFilter((f) => ({ ...f, teacher_id: e.target.value }))}
          >
            <option value="">{t('sessions.any')}</option>
            {teachers.map((x) => (
              <option key={x.user_id} value={x.user_id}>
                {x.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-course">{t('sessions.course')}</label>
          <select
            id="filter-course"
            value={filter.course_id}
            onChange={(e) => setFilter((f) => ({ ...f, course_id: e.target.value }))}
          >
            <option value="">{t('sessions.any')}</option>
            {courses.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-week">{t('sessions.week')}</label>
          <input
            id="filter-week"
            type="date"
            value={filter.week}
            onChange={(e) => setFilter((f) => ({ ...f, week: e.target.value }))}
          />
        </div>
        <div className="form-actions">
          <button type="button" onClick={() => setFilter({ teacher_id: '', course_id: '', week: '' })}>
            {t('sessions.clear')}
          </button>
        </div>
      </form>
      <ErrorLine error={list.error ?? action.error} />
      <Said text={said} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('sessions.when')}</th>
              <th scope="col">{t('sessions.session')}</th>
              <th scope="col">{t('sessions.teacher')}</th>
              <th scope="col">{t('sessions.status')}</th>
              <th scope="col" className="num">
                {t('sessions.students')}
              </th>
              <th scope="col">{t('sessions.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((s) => (
              <tr key={s.id}>
                <td className="nowrap">{dateTime(s.starts_at)}</td>
                <td>
                  {s.title}
                  <div className="muted small">{[s.course_name, s.location].filter(Boolean).join(' · ')}</div>
                </td>
                <td>{s.teacher_name}</td>
                <td>
                  <span className={`badge status-${s.status}`}>{t(`status.${s.status}` as ConsoleKey)}</span>
                </td>
                <td className="num">{s.student_count}</td>
                <td>
                  <div className="actions">
                    <button
                      type="button"
                      onClick={() => edit(s)}
                      aria-label={t('sessions.edit', { title: `${s.title} ${dateTime(s.starts_at)}` })}
                    >
                      {t('sessions.editShort')}
                    </button>
                    {s.status === 'scheduled' && (
                      <button
                        type="button"
                        className="danger"
                        onClick={() => setCancelling(s)}
                        aria-label={t('sessions.cancel', { title: `${s.title} ${dateTime(s.starts_at)}` })}
                      >
                        {t('sessions.cancelShort')}
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={list} />

      <section className="card" aria-labelledby="session-form">
        <h2 id="session-form">
          {editing ? t('sessions.editing', { title: editing.title }) : t('sessions.create')}
        </h2>
        <p className="muted small">{t('sessions.timeNote', { zone })}</p>
        <form className="inline-form" onSubmit={save}>
          <div className="field">
            <label htmlFor="session-title">{t('sessions.fieldTitle')}</label>
            <input
              id="session-title"
              type="text"
              required
              maxLength={200}
              value={draft.title}
              onChange={set('title')}
            />
          </div>
          <div className="field">
            <label htmlFor="session-teacher">{t('sessions.teacher')}</label>
            <select id="session-teacher" required value={draft.teacher_id} onChange={set('teacher_id')}>
              <option value="">{t('students.choose')}</option>
              {teachers.map((x) => (
                <option key={x.user_id} value={x.user_id}>
                  {x.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="session-course">{t('sessions.course')}</label>
            <select id="session-course" value={draft.course_id} onChange={set('course_id')}>
              <option value="">{t('sessions.noCourse')}</option>
              {courses.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="session-location">{t('sessions.location')}</label>
            <input
              id="session-location"
              type="text"
              maxLength={200}
              value={draft.location}
              onChange={set('location')}
            />
          </div>
          <div className="field">
            <label htmlFor="session-starts">{t('sessions.starts')}</label>
            <input
              id="session-starts"
              type="datetime-local"
              required
              value={draft.starts}
              onChange={set('starts')}
            />
          </div>
          <div className="field">
            <label htmlFor="session-ends">{t('sessions.ends')}</label>
            <input
              id="session-ends"
              type="datetime-local"
              required
              value={draft.ends}
              onChange={set('ends')}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.busy}>
              {editing ? t('sessions.save') : t('sessions.schedule')}
            </button>
            {editing && (
              <button
                type="button"
                onClick={() => {
                  setEditing(null);
                  setDraft(emptyDraft());
                }}
              >
                {t('sessions.close')}
              </button>
            )}
          </div>
        </form>
      </section>
      <ConfirmDialog
        open={cancelling !== null}
        title={cancelling ? t('sessions.cancelConfirm', { title: cancelling.title }) : ''}
        confirm={t('sessions.cancelYes')}
        cancel={t('sessions.keep')}
        onConfirm={() => cancelling && void cancel(cancelling)}
        onClose={() => setCancelling(null)}
      />
    </div>
  );
}
