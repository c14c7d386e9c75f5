import { describe, expect, test } from 'vitest';
import type { NotificationRow, ResourceRow, SessionDetail } from '../types.js';
import { emptyPlan } from '../../../shared/entities.js';
import { arrived } from './resources.js';
import { withWrites } from './edit-writes.js';
import { notificationsAfter, sortNotifications, unreadOf } from './notifications.js';
import { attendanceCounts, attendanceForKey } from './session-logic.js';

const detail: SessionDetail = {
  session: {
    id: 7,
    school_id: 1,
    teacher_id: 2,
    course_id: 3,
    title: 'Matemática 7A',
    starts_at: '2025-03-03T09:00:00.000Z',
    ends_at: '2025-03-03T10:00:00.000Z',
    status: 'scheduled',
    location: 'Sala 2',
    lesson_notes: '',
    ...emptyPlan(),
    version: 4,
    course_name: 'Matemática',
    student_count: 2,
  },
  course: { id: 3, name: 'Matemática', code: 'MAT' },
  roster: [
    { enrolment_id: 10, student_id: 1, name: 'Ana', email: 'a@x', attendance: 'unknown', version: 1 },
    { enrolment_id: 11, student_id: 2, name: 'Rui', email: 'r@x', attendance: 'present', version: 1 },
  ],
  resources: [],
  homework_due: null,
  previous_plan: null,
};

describe('session page updates', () => {
  test("an attendance edit's write changes only that student", () => {
    const writes = [{ table: 'enrolments', rowId: 10, field: 'attendance', value: 'late' }] as const;
    const d = {
      ...detail,
      roster: detail.roster.map((r) => withWrites(r, 'enrolments', r.enrolment_id, writes)),
    };
    expect(d.roster.map((r) => r.attendance)).toEqual(['late', 'present']);
    expect(detail.roster[0]!.attendance).toBe('unknown');
    expect(attendanceCounts(d)).toEqual({ unknown: 0, present: 1, absent: 0, late: 1 });
  });

  test('a write aimed at another table or row leaves the row as it is (the same object)', () => {
    const writes = [
      { table: 'enrolments', rowId: 7, field: 'status', value: 'cancelled' },
      { table: 'sessions', rowId: 8, field: 'status', value: 'cancelled' },
    ] as const;
    expect(withWrites(detail.session, 'sessions', 7, writes)).toBe(detail.session);
    const mine = [{ table: 'sessions', rowId: 7, field: 'status', value: 'cancelled' }] as const;
    expect(withWrites(detail.session, 'sessions', 7, mine).status).toBe('cancelled');
  });

  test('P, A and L mark attendance in English; P, F and A in Portuguese', () => {
    expect(['p', 'A', 'l', 'x'].map((k) => attendanceForKey(k, 'en'))).toEqual([
      'present',
      'absent',
      'late',
      null,
    ]);
    expect(['p', 'f', 'a', 'l'].map((k) => attendanceForKey(k, 'pt-PT'))).toEqual([
      'present',
      'absent',
      'late',
      null,
    ]);
  });
});

const note = (id: number, is_read: boolean, created_at: string): NotificationRow => ({
  id,
  school_id: 1,
  user_id: 2,
  type: 'new_student',
  title: `n${id}`,
  message: '',
  params: {},
  action_url: '',
  is_read,
  is_dismissed: false,
  read_at: null,
  delivered_via_socket: true,
  created_at,
  expires_at: null,
  version: 1,
});

describe('notification centre', () => {
  const rows = [
    note(1, false, '2025-03-01T00:00:00Z'),
    note(2, true, '2025-03-03T00:00:00Z'),
    note(3, false, '2025-03-02T00:00:00Z'),
  ];

  test('unread come first, newest first', () => {
    expect(sortNotifications(rows).map((n) => n.id)).toEqual([3, 1, 2]);
  });

  test('marking read moves it among the read ones and the badge follows', () => {
    const after = notificationsAfter(sortNotifications(rows), [
      { table: 'notifications', rowId: 3, field: 'is_read', value: true },
      { table: 'notifications', rowId: 3, field: 'read_at', value: '2025-03-04T00:00:00Z' },
    ]);
    expect(after.map((n) => n.id)).toEqual([1, 2, 3]); // read ones newest first
    expect(after.find((n) => n.id === 3)?.read_at).toBe('2025-03-04T00:00:00Z');
    expect(unreadOf(after)).toBe(1);
  });

  test('dismissing removes it', () => {
    const after = notificationsAfter(rows, [
      { table: 'notifications', rowId: 1, field: 'is_dismissed', value: true },
    ]);
    expect(after.map((n) => n.id)).toEqual([3, 2]);
  });
});

describe('upload progress', () => {
  const resource = (title: string, created_at: string) => ({ title, created_at }) as ResourceRow;

  test('a queued upload reads as uploaded once its row arrives from the server', () => {
    const queued = {
      phase: 'queued',
      offline: false,
      title: 'Fichas',
      at: '2025-03-03T10:00:00.000Z',
    } as const;
    expect(arrived(queued, [resource('Fichas', '2025-01-01T00:00:00.000Z')])).toBe(queued);
    expect(arrived(queued, [resource('Fichas', '2025-03-03T10:00:05.000Z')])).toEqual({
      phase: 'uploaded',
      title: 'Fichas',
    });
  });
});
