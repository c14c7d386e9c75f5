/**
 * The isolation matrix's cases for the admin console's routes (lists, invitations): a teacher
 * or student never reads an admin list, an admin reads a school they run and nothing of another
 * (no row of Escola Sul in a list of Escola Norte), and an invitation is accepted only by its
 * link or by the person it names.
 */
import { expect } from 'vitest';
import { adminRoleProbes, marker, type CaseBuilder, type Matrix, type Probe } from './isolation.cases.js';

/** A list of Norte read by its admin: every marker in it is one of Norte's rows. */
async function ownListProbe(m: Matrix, query?: Record<string, string | number>): Promise<Probe> {
  return {
    what: 'the admin lists Escola Norte: nothing of Escola Sul or Leste in it',
    as: 'admin',
    kind: 'own-account',
    expect: [200],
    params: { schoolId: m.ids.norte },
    query,
    allowedMarkers: await m.markersOf(m.ids.norte),
  };
}

const list =
  (query?: (m: Matrix) => Record<string, string | number>): CaseBuilder =>
  async (m) => [...adminRoleProbes(m, (schoolId) => ({ schoolId })), await ownListProbe(m, query?.(m))];

export const ADMIN_CONSOLE_CASES: Record<string, CaseBuilder> = {
  'GET /api/admin/schools/:schoolId/feature-flags': async (m) => [
    ...adminRoleProbes(m, (schoolId) => ({ schoolId })),
    {
      what: "the admin reads Escola Norte's feature flags",
      as: 'admin',
      kind: 'own-account',
      expect: [200],
      params: { schoolId: m.ids.norte },
    },
  ],
  // Were any of these let through, the matrix would see the flag's row and audit entry.
  'PUT /api/admin/schools/:schoolId/feature-flags/:key': (m) =>
    adminRoleProbes(m, (schoolId) => ({ schoolId, key: 'email_notifications' }), { enabled: false }),
  'GET /api/admin/schools/:schoolId/memberships': list(),
  'GET /api/admin/schools/:schoolId/courses': list(),
  'GET /api/admin/schools/:schoolId/students': list(),
  'GET /api/admin/schools/:schoolId/sessions': async (m) => [
    ...(await list()(m)),
    {
      what: "the admin filters Escola Norte's sessions by ana (who teaches in Sul too): Norte's only",
      as: 'admin',
      kind: 'own-account',
      expect: [200],
      params: { schoolId: m.ids.norte },
      query: { teacher_id: m.ids.ana },
      allowedMarkers: await m.markersOf(m.ids.norte),
      check(res) {
        const { items } = res.body as { items: Array<{ id: number }> };
        expect(items.map((s) => s.id)).not.toContain(m.rows.anaSul.session);
      },
    },
    {
      what: 'the admin filters Escola Norte by a Sul course',
      as: 'admin',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { schoolId: m.ids.norte },
      query: { course_id: m.ids.sulCourse },
      twin: { params: { schoolId: m.ids.norte }, query: { course_id: m.ghost } },
    },
    {
      what: 'the admin filters Escola Sul by rui (a teacher of Norte only)',
      as: 'admin',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { schoolId: m.ids.sul },
      query: { teacher_id: m.ids.rui },
      twin: { params: { schoolId: m.ids.sul }, query: { teacher_id: m.ghost } },
    },
  ],
  'GET /api/admin/schools/:schoolId/announcements': list(),
  'GET /api/admin/schools/:schoolId/announcements/:announcementId/readers': async (m) => [
    ...adminRoleProbes(m, (schoolId) => ({
      schoolId,
      announcementId: schoolId === m.ids.sul ? m.announcements.sul : m.announcements.norte,
    })),
    {
      what: 'the admin reads, through Escola Norte, who read a Sul announcement',
      as: 'admin',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { schoolId: m.ids.norte, announcementId: m.announcements.sul },
      twin: { params: { schoolId: m.ids.norte, announcementId: m.ghost } },
    },
    {
      ...(await ownListProbe(m)),
      params: { schoolId: m.ids.norte, announcementId: m.announcements.norte },
    },
  ],
  'GET /api/admin/schools/:schoolId/resources': list(),
  'GET /api/admin/schools/:schoolId/audit': list(),
  'GET /api/admin/schools/:schoolId/invitations': async (m) => [
    ...(await list()(m)),
    {
      what: "the admin lists Escola Norte's invitations: not rui's invitation to Sul",
      as: 'admin',
      kind: 'own-account',
      expect: [200],
      params: { schoolId: m.ids.norte },
      check(res) {
        const { items } = res.body as { items: Array<{ id: number }> };
        expect(items.map((i) => i.id)).not.toContain(m.ruiSulInvitation.id);
      },
    },
  ],

  'GET /api/admin/schools/:schoolId/timetable': list(),
  'POST /api/admin/schools/:schoolId/timetable': (m) => {
    const entry = (course: number) => ({
      course_id: course,
      teacher_id: m.ids.ana,
      weekday: 3,
      starts: '10:00',
      ends: '10:50',
      term_start: '2031-02-01',
      term_end: '2031-02-28',
    });
    return [
      ...adminRoleProbes(m, (schoolId) => ({ schoolId }), entry(m.ids.norteCourse)),
      {
        what: 'the admin adds, to Escola Norte, a lesson of a Sul course',
        as: 'admin',
        kind: 'foreign-entity',
        expect: 'denied',
        params: { schoolId: m.ids.norte },
        body: entry(m.ids.sulCourse),
        twin: { params: { schoolId: m.ids.norte }, body: entry(m.ghost) },
      },
    ];
  },
  'PATCH /api/admin/schools/:schoolId/timetable/:entryId': (m) => [
    ...adminRoleProbes(m, (schoolId) => ({ schoolId, entryId: entryOf(m, schoolId) }), { room: 'Intrusão' }),
    {
      what: 'the admin changes, through Escola Norte, a lesson of Escola Sul',
      as: 'admin',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { schoolId: m.ids.norte, entryId: m.timetable.sul },
      body: { room: 'Intrusão' },
      twin: { params: { schoolId: m.ids.norte, entryId: m.ghost }, body: { room: 'Intrusão' } },
    },
  ],
  'DELETE /api/admin/schools/:schoolId/timetable/:entryId': (m) => [
    ...adminRoleProbes(m, (schoolId) => ({ schoolId, entryId: entryOf(m, schoolId) })),
    {
      what: 'the admin deactivates, through Escola Norte, a lesson of Escola Sul',
      as: 'admin',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { schoolId: m.ids.norte, entryId: m.timetable.sul },
      twin: { params: { schoolId: m.ids.norte, entryId: m.ghost } },
    },
  ],
  'GET /api/admin/schools/:schoolId/holidays': list(),
  'POST /api/admin/schools/:schoolId/holidays': (m) =>
    adminRoleProbes(m, (schoolId) => ({ schoolId }), { date: '2031-12-24', name: 'Intrusão' }),
  'DELETE /api/admin/schools/:schoolId/holidays/:holidayId': (m) => [
    ...adminRoleProbes(m, (schoolId) => ({
      schoolId,
      holidayId: schoolId === m.ids.sul ? m.holidays.sul : m.holidays.norte,
    })),
    {
      what: 'the admin removes, through Escola Norte, a holiday of Escola Sul',
      as: 'admin',
      kind: 'foreign-entity',
      expect: 'denied',
      params: { schoolId: m.ids.norte, holidayId: m.holidays.sul },
      twin: { params: { schoolId: m.ids.norte, holidayId: m.ghost } },
    },
  ],

  'POST /api/admin/schools/:schoolId/invitations': (m) =>
    adminRoleProbes(m, (schoolId) => ({ schoolId }), { email: 'intruder@classdesk.test', role: 'admin' }),

  'GET /api/invitations/:token': (m) => [
    {
      what: 'a link that was never issued answers 404, like any other unknown one',
      as: 'anonymous',
      kind: 'own-account',
      expect: 'denied',
      ...tokenParams(m, 'A'),
      twin: tokenParams(m, 'B'),
    },
  ],
  'POST /api/invitations/:token/accept': (m) => [
    {
      what: 'accepting with a link that was never issued changes nothing',
      as: 'anonymous',
      kind: 'own-account',
      expect: 'denied',
      ...tokenParams(m, 'A'),
      body: { name: 'Intruder', password: 'a-long-password' },
      twin: { ...tokenParams(m, 'B'), body: { name: 'Intruder', password: 'a-long-password' } },
    },
  ],

  'GET /api/me/invitations': (m) =>
    (['rui', 'ana', 'admin', 'student'] as const).map((as): Probe => ({
      what: `${as} sees only the invitations to their own email`,
      as,
      kind: 'own-account',
      expect: [200],
      allowedMarkers: as === 'rui' ? [marker('schools', m.ids.sul)] : [],
      check(res) {
        const ids = (res.body as Array<{ id: number }>).map((i) => i.id);
        expect(ids).toEqual(as === 'rui' ? [m.ruiSulInvitation.id] : []);
      },
    })),
  'POST /api/me/invitations/:invitationId/accept': (m) =>
    (['ana', 'admin', 'student'] as const)
      .map((as): Probe => ({
        what: `${as} accepts rui's invitation`,
        as,
        kind: 'foreign-entity',
        expect: 'denied',
        params: { invitationId: m.ruiSulInvitation.id },
        twin: { params: { invitationId: m.ghost } },
      }))
      .concat({
        what: 'rui accepts an invitation that does not exist',
        as: 'rui',
        kind: 'foreign-entity',
        expect: 'denied',
        params: { invitationId: m.ghost },
      }),
};

const entryOf = (m: Matrix, schoolId: number): number =>
  schoolId === m.ids.sul ? m.timetable.sul : m.timetable.norte;

/**
 * A token of the right shape that was never issued. The route's parameter is a string, so the
 * probe passes it through `params` as the URL builder expects (numbers or strings alike).
 */
function tokenParams(m: Matrix, fill: string): { params: Record<string, number> } {
  return { params: { token: `${fill.repeat(42)}${m.ghost % 10}` as unknown as number } };
}
