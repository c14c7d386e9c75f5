// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { RosterEntry } from '../types.js';
import { Roster } from './Roster.js';

const roster: RosterEntry[] = [
  { enrolment_id: 1, student_id: 1, name: 'Ana Costa', email: 'a@x', attendance: 'unknown', version: 1 },
  { enrolment_id: 2, student_id: 2, name: 'Bruno Dias', email: 'b@x', attendance: 'absent', version: 1 },
  { enrolment_id: 3, student_id: 3, name: 'Carla Reis', email: 'c@x', attendance: 'unknown', version: 1 },
];

afterEach(cleanup);

describe('attendance roster', () => {
  test('each student is a radio group named after them with Present, Absent and Late', () => {
    render(createElement(Roster, { roster, schoolId: 1, onSet: () => {} }));
    const group = screen.getByRole('radiogroup', { name: 'Bruno Dias' });
    const radios = Array.from(group.querySelectorAll('[role="radio"]'));
    expect(radios.map((r) => r.textContent)).toEqual(['PresentP', 'AbsentA', 'LateL']);
    expect(radios.map((r) => r.getAttribute('aria-keyshortcuts'))).toEqual(['P', 'A', 'L']);
    expect(radios.map((r) => r.getAttribute('aria-checked'))).toEqual(['false', 'true', 'false']);
  });

  test('the roster is one tab stop', () => {
    const { container } = render(createElement(Roster, { roster, schoolId: 1, onSet: () => {} }));
    expect(container.querySelectorAll('[tabindex="0"]')).toHaveLength(1);
  });

  test('P marks the focused student present and moves to the next', () => {
    const onSet = vi.fn();
    render(createElement(Roster, { roster, schoolId: 1, onSet }));
    const first = screen.getAllByRole('radio', { name: 'Present' })[0]!;
    first.focus();
    fireEvent.keyDown(first, { key: 'p' });
    expect(onSet).toHaveBeenCalledWith(1, 'present');
    // Bruno is absent: focus lands on his checked option.
    expect(document.activeElement?.firstChild?.textContent).toBe('Absent');
    expect(document.activeElement?.closest('[role="radiogroup"]')?.getAttribute('aria-labelledby')).toBe(
      'student-2',
    );
  });

  test('arrow keys move between students and options without changing attendance', () => {
    const onSet = vi.fn();
    render(createElement(Roster, { roster, schoolId: 1, onSet }));
    const first = screen.getAllByRole('radio', { name: 'Present' })[0]!;
    first.focus();
    fireEvent.keyDown(first, { key: 'ArrowDown' });
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(screen.getAllByRole('radio', { name: 'Present' })[2]).toBe(document.activeElement);
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(document.activeElement?.firstChild?.textContent).toBe('Absent');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement?.firstChild?.textContent).toBe('Absent');
    expect(onSet).not.toHaveBeenCalled();
  });

  test('clicking an option sets it; the one already set does nothing', () => {
    const onSet = vi.fn();
    render(createElement(Roster, { roster, schoolId: 1, onSet }));
    fireEvent.click(screen.getAllByRole('radio', { name: 'Late' })[0]!);
    fireEvent.click(screen.getAllByRole('radio', { name: 'Absent' })[1]!);
    expect(onSet.mock.calls).toEqual([[1, 'late']]);
  });
});
