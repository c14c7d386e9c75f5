/**
 * The weekly timetable (docs/ARCHITECTURE.md, "Running a school", "Weekly timetable"): the
 * school's weekly lessons, a form to add or change one (its sessions follow: future ones only),
 * deactivating one, and the holidays that close the school for a day.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type {
  CourseItem,
  HolidayItem,
  HolidayResponse,
  MembershipItem,
  TimetableEntryItem,
  TimetableWriteResponse,
} from '../../../shared/admin-api.js';
import { api, school, type Page } from '../api.js';
import { useT } from '../i18n.js';
import { ConfirmDialog, ErrorLine, ExportButton, ListFooter, Said, useAction, usePaged } from '../list.js';

type Entry = TimetableEntryItem;

interface Draft {
  course_id: string;
  teacher_id: string;
  weekday: string;
  starts: string;
  ends: string;
  room: string;
  term_start: string;
  term_end: string;
}
const emptyDraft = (): Draft => ({
  course_id: '',
  teacher_id: '',
  weekday: '1',
  starts: '',
  ends: '',
  room: '',
  term_start: '',
  term_end: '',
});
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** A calendar date (YYYY-MM-DD) at noon UTC: the same date wherever the browser is. */
const noon = (ymd: string) => `${ymd}T12:00:00Z`;

export function TimetableScreen({ schoolId }: { schoolId: number }) {
  const { t, date, locale } = useT();
  const at = school(schoolId);
  const weekdayName = (n: number) =>
    new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2024, 0, n, 12)), // 1 January 2024 was a Monday
    );
  const [teachers, setTeachers] = useState<MembershipItem[]>([]);
  const [courses, setCourses] = useState<CourseItem[]>([]);
  const loadEntries = useCallback(
    (cursor?: string) => api<Page<Entry>>('GET', at('/timetable'), { query: { cursor } }),
    [schoolId],
  );
  const entries = usePaged(loadEntries);
  const loadHolidays = useCallback(
    (cursor?: string) => api<Page<HolidayItem>>('GET', at('/holidays'), { query: { cursor } }),
    [schoolId],
  );
  const holidays = usePaged(loadHolidays);
  const action = useAction();
  const holidayAction = useAction();
  const [said, setSaid] = useState<string | null>(null);
  const [holidaySaid, setHolidaySaid] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [editing, setEditing] = useState<Entry | null>(null);
  const [deactivating, setDeactivating] = useState<Entry | null>(null);
  const [removing, setRemoving] = useState<HolidayItem | null>(null);
  const [holiday, setHoliday] = useState({ date: '', name: '' });

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

  const lessonName = (e: Entry) => `${e.course_name}, ${weekdayName(e.weekday)} ${e.starts}`;
  const edit = (e: Entry) => {
    setEditing(e);
    setDraft({
      course_id: String(e.course_id),
      teacher_id: String(e.teacher_id),
      weekday: String(e.weekday),
      starts: e.starts,
      ends: e.ends,
      room: e.room,
      term_start: e.term_start,
      term_end: e.term_end,
    });
  };
  const save = (ev: FormEvent) => {
    ev.preventDefault();
    const body = {
      course_id: Number(draft.course_id),
      teacher_id: Number(draft.teacher_id),
      weekday: Number(draft.weekday),
      starts: draft.starts,
      ends: draft.ends,
      room: draft.room,
      term_start: draft.term_start,
      term_end: draft.term_end,
    };
    void action.run(async () => {
      const r = editing
        ? await api<TimetableWriteResponse>('PATCH', at(`/timetable/${editing.id}`), { body })
        : await api<TimetableWriteResponse>('POST', at('/timetable'), { body });
      setSaid(
        editing
          ? t('timetable.updated', {
              lesson: lessonName(r),
              moved: r.sessions.moved,
              created: r.sessions.created,
              removed: r.sessions.removed,
              cancelled: r.sessions.cancelled,
            })
          : t('timetable.created', { lesson: lessonName(r), count: r.sessions.created }),
      );
      setEditing(null);
      setDraft(emptyDraft());
      await entries.reload();
    });
  };
  const deactivate = (e: Entry) =>
    action.run(async () => {
      setDeactivating(null);
      const r = await api<TimetableWriteResponse>('DELETE', at(`/timetable/${e.id}`));
      setSaid(
        t('timetable.deactivated', {
          lesson: lessonName(e),
          removed: r.sessions.removed,
          cancelled: r.sessions.cancelled,
        }),
      );
      await entries.reload();
    });
  const addHoliday = (ev: FormEvent) => {
    ev.preventDefault();
    void holidayAction.run(async () => {
      const r = await api<HolidayResponse>('POST', at('/holidays'), { body: holiday });
      setHolidaySaid(
        t('holidays.added', {
          name: r.name,
          date: date(noon(r.date)),
          cancelled: r.cancelled,
          notified: r.notified,
        }),
      );
      setHoliday({ date: '', name: '' });
      await holidays.reload();
    });
  };
  const removeHoliday = (h: HolidayItem) =>
    holidayAction.run(async () => {
      setRemoving(null);
      await api('DELETE', at(`/holidays/${h.id}`));
      setHolidaySaid(t('holidays.removed', { name: h.name, date: date(noon(h.date)) }));
      await holidays.reload();
    });
  const set = (k: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));

  return (
    <div className="screen">
      <div className="screen-head">
        <h1 tabIndex={-1}>{t('timetable.title')}</h1>
        <ExportButton
          fileName="timetable.csv"
          load={loadEntries}
          header={[
            t('timetable.weekday'),
            t('timetable.starts'),
            t('timetable.ends'),
            t('timetable.course'),
            t('timetable.teacher'),
            t('timetable.room'),
            t('timetable.termStart'),
            t('timetable.termEnd'),
            t('timetable.status'),
          ]}
          row={(e) => [
            weekdayName(e.weekday),
            e.starts,
            e.ends,
            e.course_name,
            e.teacher_name,
            e.room,
            e.term_start,
            e.term_end,
            t(`active.${e.active}`),
          ]}
        />
      </div>
      <p className="muted small">{t('timetable.intro')}</p>
      <ErrorLine error={entries.error ?? action.error} />
      <Said text={said} />
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('timetable.weekday')}</th>
              <th scope="col">{t('timetable.time')}</th>
              <th scope="col">{t('timetable.course')}</th>
              <th scope="col">{t('timetable.teacher')}</th>
              <th scope="col">{t('timetable.room')}</th>
              <th scope="col">{t('timetable.term')}</th>
              <th scope="col">{t('timetable.status')}</th>
              <th scope="col">{t('timetable.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.items.map((e) => (
              <tr key={e.id}>
                <td>{weekdayName(e.weekday)}</td>
                <td className="nowrap">
                  {e.starts}–{e.ends}
                </td>
                <td>{e.course_name}</td>
                <td>{e.teacher_name}</td>
                <td>{e.room}</td>
                <td className="nowrap">
                  {date(noon(e.term_start))} – {date(noon(e.term_end))}
                </td>
                <td>
                  <span className={`badge ${e.active ? 'status-scheduled' : 'status-cancelled'}`}>
                    {t(`active.${e.active}`)}
                  </span>
                </td>
                <td>
                  {e.active && (
                    <div className="actions">
                      <button
                        type="button"
                        onClick={() => edit(e)}
                        aria-label={t('timetable.edit', { lesson: lessonName(e) })}
                      >
                        {t('timetable.editShort')}
                      </button>
                      <button
                        type="button"
                        className="danger"
                        onClick={() => setDeactivating(e)}
                        aria-label={t('timetable.deactivate', { lesson: lessonName(e) })}
                      >
                        {t('timetable.deactivateShort')}
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter list={entries} />

      <section className="card" aria-labelledby="timetable-form">
        <h2 id="timetable-form">
          {editing ? t('timetable.editing', { lesson: lessonName(editing) }) : t('timetable.create')}
        </h2>
        <p className="muted small">{editing ? t('timetable.futureNote') : t('timetable.timeNote')}</p>
        <form className="inline-form" onSubmit={save}>
          <div className="field">
            <label htmlFor="timetable-course">{t('timetable.course')}</label>
            <select id="timetable-course" required value={draft.course_id} onChange={set('course_id')}>
              <option value="">{t('students.choose')}</option>
              {courses.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="timetable-teacher">{t('timetable.teacher')}</label>
            <select id="timetable-teacher" required value={draft.teacher_id} onChange={set('teacher_id')}>
              <option value="">{t('students.choose')}</option>
              {teachers.map((x) => (
                <option key={x.user_id} value={x.user_id}>
                  {x.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="timetable-weekday">{t('timetable.weekday')}</label>
            <select id="timetable-weekday" required value={draft.weekday} onChange={set('weekday')}>
              {WEEKDAYS.map((n) => (
                <option key={n} value={n}>
                  {weekdayName(n)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="timetable-starts">{t('timetable.starts')}</label>
            <input id="timetable-starts" type="time" required value={draft.starts} onChange={set('starts')} />
          </div>
          <div className="field">
            <label htmlFor="timetable-ends">{t('timetable.ends')}</label>
            <input id="timetable-ends" type="time" required value={draft.ends} onChange={set('ends')} />
          </div>
          <div className="field">
            <label htmlFor="timetable-room">{t('timetable.room')}</label>
            <input
              id="timetable-room"
              type="text"
              maxLength={200}
              value={draft.room}
              onChange={set('room')}
            />
          </div>
          <div className="field">
            <label htmlFor="timetable-term-start">{t('timetable.termStart')}</label>
            <input
              id="timetable-term-start"
              type="date"
              required
              value={draft.term_start}
              onChange={set('term_start')}
            />
          </div>
          <div className="field">
            <label htmlFor="timetable-term-end">{t('timetable.termEnd')}</label>
            <input
              id="timetable-term-end"
              type="date"
              required
              value={draft.term_end}
              onChange={set('term_end')}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.busy}>
              {editing ? t('timetable.save') : t('timetable.add')}
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

      <section className="card" aria-labelledby="holidays-title">
        <h2 id="holidays-title">{t('holidays.title')}</h2>
        <p className="muted small">{t('holidays.intro')}</p>
        <ErrorLine error={holidays.error ?? holidayAction.error} />
        <Said text={holidaySaid} />
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('holidays.date')}</th>
                <th scope="col">{t('holidays.name')}</th>
                <th scope="col">{t('timetable.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {holidays.items.map((h) => (
                <tr key={h.id}>
                  <td className="nowrap">{date(noon(h.date))}</td>
                  <td>{h.name}</td>
                  <td>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setRemoving(h)}
                      aria-label={t('holidays.remove', { name: h.name, date: date(noon(h.date)) })}
                    >
                      {t('holidays.removeShort')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ListFooter list={holidays} />
        <form className="inline-form" onSubmit={addHoliday} aria-label={t('holidays.add')}>
          <div className="field">
            <label htmlFor="holiday-date">{t('holidays.date')}</label>
            <input
              id="holiday-date"
              type="date"
              required
              value={holiday.date}
              onChange={(e) => setHoliday((h) => ({ ...h, date: e.target.value }))}
            />
          </div>
          <div className="field">
            <label htmlFor="holiday-name">{t('holidays.name')}</label>
            <input
              id="holiday-name"
              type="text"
              required
              maxLength={200}
              value={holiday.name}
              onChange={(e) => setHoliday((h) => ({ ...h, name: e.target.value }))}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={holidayAction.busy}>
              {t('holidays.add')}
            </button>
          </div>
        </form>
      </section>

      <ConfirmDialog
        open={deactivating !== null}
        title={deactivating ? t('timetable.deactivateConfirm', { lesson: lessonName(deactivating) }) : ''}
        confirm={t('timetable.deactivateYes')}
        cancel={t('sessions.keep')}
        onConfirm={() => deactivating && void deactivate(deactivating)}
        onClose={() => setDeactivating(null)}
      />
      <ConfirmDialog
        open={removing !== null}
        title={
          removing
            ? t('holidays.removeConfirm', { name: removing.name, date: date(noon(removing.date)) })
            : ''
        }
        confirm={t('holidays.removeYes')}
        cancel={t('sessions.keep')}
        onConfirm={() => removing && void removeHoliday(removing)}
        onClose={() => setRemoving(null)}
      />
    </div>
  );
}
