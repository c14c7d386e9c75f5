/**
 * Attendance taking at keyboard speed: each student is a radio group (Present / Absent / Late);
 * Up/Down move between students, Left/Right between the options, P/A/L (P/F/A in Portuguese)
 * mark the student and move on to the next; each button shows its key. The marks are one tab
 * stop; each name is a link to the student's page, with the email beside it when two students
 * share the name.
 */
import { useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../i18n/useI18n.js';
import { routeHref } from '../state/routes.js';
import { ATTENDANCE_KEYS, attendanceForKey } from '../state/session-logic.js';
import type { Attendance, RosterEntry } from '../types.js';

const OPTIONS = ['present', 'absent', 'late'] as const satisfies readonly Attendance[];

export function Roster(props: {
  roster: RosterEntry[];
  /** The session's school: a student's page is theirs in that school. */
  schoolId: number;
  onSet: (enrolmentId: number, a: Attendance) => void;
}) {
  const { t, language } = useI18n();
  const { roster, onSet, schoolId } = props;
  const [active, setActive] = useState({ row: 0, option: -1 });
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const keys = ATTENDANCE_KEYS[language];
  // Two students of the same name are told apart by their email.
  const namesakes = new Set(
    roster.filter((r, i) => roster.findIndex((o) => o.name === r.name) !== i).map((r) => r.name),
  );

  const optionOf = (r: RosterEntry) => Math.max(0, OPTIONS.indexOf(r.attendance as (typeof OPTIONS)[number]));
  const focus = (row: number, option?: number) => {
    const r = roster[row];
    if (!r) return;
    const o = option ?? optionOf(r);
    setActive({ row, option: o });
    buttons.current.get(`${row}:${o}`)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent, row: number, option: number) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const entry = roster[row]!;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        focus(Math.min(roster.length - 1, row + 1));
        return;
      case 'ArrowUp':
        e.preventDefault();
        focus(Math.max(0, row - 1));
        return;
      case 'ArrowRight':
        e.preventDefault();
        focus(row, (option + 1) % OPTIONS.length);
        return;
      case 'ArrowLeft':
        e.preventDefault();
        focus(row, (option + OPTIONS.length - 1) % OPTIONS.length);
        return;
      case 'Home':
        e.preventDefault();
        focus(0);
        return;
      case 'End':
        e.preventDefault();
        focus(roster.length - 1);
        return;
    }
    const a = attendanceForKey(e.key, language);
    if (a) {
      e.preventDefault();
      if (entry.attendance !== a) onSet(entry.enrolment_id, a);
      if (row < roster.length - 1) focus(row + 1);
      else focus(row, Math.max(0, OPTIONS.indexOf(a as (typeof OPTIONS)[number])));
    }
  };

  return (
    <ul className="roster">
      {roster.map((r, row) => {
        const nameId = `student-${r.enrolment_id}`;
        const emailId = `student-${r.enrolment_id}-email`;
        const namesake = namesakes.has(r.name);
        const tabRow = Math.min(active.row, roster.length - 1);
        return (
          <li key={r.enrolment_id} className={`roster-row att-${r.attendance}`}>
            <span className="roster-name">
              <a id={nameId} href={routeHref({ name: 'student', schoolId, id: r.student_id })}>
                {r.name}
              </a>
              {namesake && (
                <span id={emailId} className="roster-email muted small">
                  {r.email}
                </span>
              )}
            </span>
            <div
              role="radiogroup"
              aria-labelledby={namesake ? `${nameId} ${emailId}` : nameId}
              className="segmented attendance"
            >
              {OPTIONS.map((a, option) => {
                const checked = r.attendance === a;
                const tabOption = active.row === row && active.option >= 0 ? active.option : optionOf(r);
                return (
                  <button
                    key={a}
                    ref={(el) => {
                      if (el) buttons.current.set(`${row}:${option}`, el);
                      else buttons.current.delete(`${row}:${option}`);
                    }}
                    type="button"
                    role="radio"
                    aria-checked={checked}
                    className={`att att-${a}`}
                    aria-keyshortcuts={keys[a]}
                    tabIndex={row === tabRow && option === tabOption ? 0 : -1}
                    onFocus={() => setActive({ row, option })}
                    onKeyDown={(e) => onKeyDown(e, row, option)}
                    onClick={() => {
                      setActive({ row, option });
                      if (!checked) onSet(r.enrolment_id, a);
                    }}
                  >
                    {t(`attendance.${a}`)}
                    <kbd aria-hidden="true">{keys[a]}</kbd>
                  </button>
                );
              })}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
