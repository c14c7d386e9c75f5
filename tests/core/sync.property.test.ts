/**
 * The sync invariants of docs/ARCHITECTURE.md as a property: random sequences of offline edits on two
 * devices of ana, syncs, admin changes (reschedule, retitle, cancel, announce, enrol, unenrol,
 * deactivate and reactivate ana's Escola Sul membership) and server outages. After the
 * sequence the server comes back and both devices sync until settled; then
 * (2) every edit a device accepted is applied on the server exactly once, or on that device's
 *     attention list (rejected, with the server's receipt saying so), or in its quarantine —
 *     never pending, never lost, never in two places;
 * (3) each device's copy of each school equals the server's: checksums agree, and its rows
 *     equal those of a fresh device's full pull;
 * (4) when Sul's deactivation is in effect at the end, no device holds any row of Sul.
 *
 * One server and two devices serve every run (state accumulates; the checks concern each run's
 * own edits and the state at its end). Seeded: FC_SEED and FC_RUNS override the defaults.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Device, signIn } from '../../src/main/core/device.js';
import { MemorySecretStore } from '../../src/main/core/ports.js';
import { TransportError } from '../../src/main/core/sync/transport.js';
import { StoreError, storeDatabase } from '../../src/main/core/store/local-store.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { integrity } from '../support/sync-audit.js';

const ATTENDANCE = ['unknown', 'present', 'absent', 'late'] as const;
type Dev = 0 | 1;

type Command =
  | { kind: 'notes'; dev: Dev; pick: number; text: string }
  | { kind: 'attendance'; dev: Dev; pick: number; value: (typeof ATTENDANCE)[number] }
  | { kind: 'complete' | 'cancel'; dev: Dev; pick: number }
  | { kind: 'read' | 'dismiss'; dev: Dev; pick: number }
  | { kind: 'sync'; dev: Dev }
  | { kind: 'reschedule'; pick: number; hours: number }
  | { kind: 'retitle'; pick: number; title: string }
  | { kind: 'admin-cancel'; pick: number }
  | { kind: 'announce'; sul: boolean }
  | { kind: 'enrol'; pick: number; student: number }
  | { kind: 'unenrol'; pick: number }
  | { kind: 'deactivate' | 'reactivate' | 'halt' | 'resume' };

const dev = fc.constantFrom<Dev>(0, 1);
const pick = fc.nat({ max: 10_000 });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('notes' as const),
      dev,
      pick,
      text: fc.string({ maxLength: 12 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('attendance' as const),
      dev,
      pick,
      value: fc.constantFrom(...ATTENDANCE),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom('complete' as const, 'cancel' as const), dev, pick }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom('read' as const, 'dismiss' as const), dev, pick }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('sync' as const), dev }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reschedule' as const),
      pick,
      hours: fc.integer({ min: -48, max: 48 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retitle' as const),
      pick,
      title: fc.string({ minLength: 1, maxLength: 12 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('admin-cancel' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('announce' as const), sul: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('enrol' as const), pick, student: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unenrol' as const), pick }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constantFrom('deactivate' as const, 'reactivate' as const) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('halt' as const, 'resume' as const) }) },
);

/** The counterexample seed 42 found (a notification read on two devices): kept as a regression. */
const SEED_42_READ_TWICE: Command[] = [
  { kind: 'admin-cancel', pick: 4587 },
  { kind: 'announce', sul: false },
  { kind: 'sync', dev: 1 },
  { kind: 'attendance', dev: 0, pick: 7177, value: 'absent' },
  { kind: 'attendance', dev: 1, pick: 6821, value: 'absent' },
  { kind: 'notes', dev: 0, pick: 7356, text: '/54D7a4*i' },
  { kind: 'read', dev: 1, pick: 1322 },
  { kind: 'sync', dev: 0 },
  { kind: 'attendance', dev: 1, pick: 517, value: 'present' },
];

/** Tables holding a school's rows on the device, with the column naming the school. */
const SCHOOL_TABLES = [
  ['schools', 'id'],
  ['courses', 'school_id'],
  ['students', 'school_id'],
  ['sessions', 'school_id'],
  ['enrolments', 'school_id'],
  ['resources', 'school_id'],
  ['announcements', 'school_id'],
  ['notifications', 'school_id'],
] as const;
/** Device-only tables that may hold a school's pending work or state. */
const SCHOOL_STATE_TABLES = ['sync_state', 'outbox', 'attention', 'base_values'] as const;

describe('sync invariants over random offline work, admin changes and outages', () => {
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;
  let token: string;
  const devices: Device[] = [];
  const dirs: string[] = [];

  async function openDevice(engine = { pullLimit: 40, pushBatch: 3 }): Promise<Device> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-prop-'));
    dirs.push(dataDir);
    const d = await Device.open({
      dataDir,
      serverUrl: server.url,
      userId: ids.ana,
      secrets: new MemorySecretStore(),
      engine,
    });
    await d.setToken(token);
    return d;
  }

  beforeAll(async () => {
    // Hundreds of syncs a minute from one teacher: the sync rate limit is not what this tests.
    server = await startTestServer('sqlite', { RATE_LIMIT_SYNC_PER_MIN: '100000' });
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
    ({ token } = await signIn(server.url, 'ana@classdesk.test', 'classdesk-demo'));
    devices.push(await openDevice(), await openDevice());
  });
  // Closing waits for background file work cut short by the last outage (request time-outs).
  afterAll(async () => {
    for (const d of devices) await d.close();
    await server?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }, 180_000);

  const db = () => server.database.db;
  const at = <T>(list: T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);
  const ok = (status: number, what: string) => expect([200, 201, 204, 404, 409], what).toContain(status);

  const offline = (e: unknown) => e instanceof TransportError && e.kind === 'offline';

  /**
   * A sync while the server is up. A pooled connection the server dropped when it went down can
   * fail the first request after it is back ("other side closed"): that sync counts as not
   * having happened, as in the app, where the next one retries. Any other failure is a defect.
   */
  async function syncUp(d: Device, attempts = 1): Promise<void> {
    for (let i = 0; i < attempts; i++) {
      try {
        await d.engine.syncAll();
        return;
      } catch (e) {
        if (!offline(e)) throw e;
      }
    }
    if (attempts > 1) throw new Error(`no sync got through in ${attempts} tries with the server up`);
  }

  async function setSul(active: boolean): Promise<void> {
    const r = await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active });
    expect(r.status).toBe(200);
  }

  async function anaSessionsOnServer() {
    return db()
      .selectFrom('class_sessions')
      .select(['id', 'school_id', 'starts_at', 'ends_at'])
      .where('teacher_id', '=', ids.ana)
      .orderBy('id')
      .execute();
  }

  /** One run: the commands, then recovery and settling, then the invariants. */
  async function run(commands: Command[]): Promise<void> {
    let halted = false;
    let sulActive = true;
    await setSul(true);
    for (const d of devices) await syncUp(d, 3);
    const accepted: Array<{ dev: Dev; id: string; what: string }> = [];

    const edit = (d: Dev, what: string, fn: (device: Device) => string | undefined) => {
      const device = devices[d]!;
      const pendingBefore = device.store.pendingCount();
      try {
        const id = fn(device);
        if (id) accepted.push({ dev: d, id, what });
      } catch (e) {
        // An edit the device already knows the row's state forbids (completing a cancelled
        // session) is refused at once, with its reason, and never queued.
        if (!(e instanceof StoreError) || e.code !== 'invalid_transition') throw e;
        expect(device.store.pendingCount()).toBe(pendingBefore);
      }
    };
    const local = (d: Device, sql: string) =>
      (storeDatabase(d.store).sqlite.prepare(sql).all() as Array<{ id: number }>).map((r) => r.id);

    for (const c of commands) {
      switch (c.kind) {
        case 'notes':
          edit(c.dev, c.kind, (d) => {
            const s = at(local(d, 'select id from sessions order by id'), c.pick);
            return s === undefined
              ? undefined
              : d.engine.edit('update_lesson_notes', { session_id: s, lesson_notes: c.text }).id;
          });
          break;
        case 'attendance':
          edit(c.dev, c.kind, (d) => {
            const e = at(local(d, 'select id from enrolments order by id'), c.pick);
            return e === undefined
              ? undefined
              : d.engine.edit('set_attendance', { enrolment_id: e, attendance: c.value }).id;
          });
          break;
        case 'complete':
        case 'cancel':
          edit(c.dev, c.kind, (d) => {
            const s = at(local(d, 'select id from sessions order by id'), c.pick);
            return s === undefined ? undefined : d.engine.edit(`${c.kind}_session`, { session_id: s }).id;
          });
          break;
        case 'read':
        case 'dismiss':
          edit(c.dev, c.kind, (d) => {
            const n = at(local(d, 'select id from notifications order by id'), c.pick);
            const type = c.kind === 'read' ? 'mark_notification_read' : 'dismiss_notification';
            return n === undefined ? undefined : d.engine.edit(type, { notification_id: n }).id;
          });
          break;
        case 'sync':
          if (halted) await expect(devices[c.dev]!.engine.syncAll()).rejects.toThrow();
          else await syncUp(devices[c.dev]!);
          break;
        case 'halt':
          await server.halt();
          halted = true;
          break;
        case 'resume':
          await server.resume();
          halted = false;
          break;
        default:
          if (halted) break; // the admin cannot reach a server that is down either
          await adminAction(c, (active) => (sulActive = active));
      }
    }

    if (halted) await server.resume();
    // Settle: each device sees the other's edits after two rounds.
    for (let round = 0; round < 2; round++) for (const d of devices) await syncUp(d, 3);
    await checkInvariants(accepted, sulActive);
  }

  async function adminAction(c: Command, sul: (active: boolean) => void): Promise<void> {
    const sessions = await anaSessionsOnServer();
    const s = 'pick' in c ? at(sessions, c.pick) : undefined;
    const base = s && `/api/admin/schools/${s.school_id}/sessions/${s.id}`;
    switch (c.kind) {
      case 'reschedule': {
        const shift = (t: string) => new Date(Date.parse(t) + c.hours * 3_600_000).toISOString();
        if (s)
          ok(
            (await admin.patch(base!, { starts_at: shift(s.starts_at), ends_at: shift(s.ends_at) })).status,
            c.kind,
          );
        break;
      }
      case 'retitle':
        if (s) ok((await admin.patch(base!, { title: `${c.title}.` })).status, c.kind);
        break;
      case 'admin-cancel':
        if (s) ok((await admin.patch(base!, { status: 'cancelled' })).status, c.kind);
        break;
      case 'announce': {
        const school = c.sul ? ids.sul : ids.norte;
        const r = await admin.post(`/api/admin/schools/${school}/announcements`, {
          title: 'Aviso',
          message: 'Reunião geral na sexta.',
        });
        expect(r.status).toBe(201);
        break;
      }
      case 'enrol': {
        if (!s) break;
        const students = await db()
          .selectFrom('memberships')
          .select('user_id')
          .where('school_id', '=', s.school_id)
          .where('role', '=', 'student')
          .where('active', '=', 1)
          .orderBy('user_id')
          .execute();
        const student = at(students, c.student);
        if (student)
          ok((await admin.post(`${base!}/enrolments`, { student_id: student.user_id })).status, c.kind);
        break;
      }
      case 'unenrol': {
        if (!s) break;
        const enrolled = await db()
          .selectFrom('enrolments')
          .select('student_id')
          .where('session_id', '=', s.id)
          .orderBy('id')
          .execute();
        const e = at(enrolled, c.pick);
        if (e) ok((await admin.delete(`${base!}/enrolments/${e.student_id}`)).status, c.kind);
        break;
      }
      case 'deactivate':
      case 'reactivate':
        await setSul(c.kind === 'reactivate');
        sul(c.kind === 'reactivate');
        break;
      default:
        throw new Error(`not an admin action: ${c.kind}`);
    }
  }

  /** Every row of a school on a device, table by table. */
  function rowsOf(d: Device, schoolId: number): Record<string, unknown[]> {
    const out: Record<string, unknown[]> = {};
    for (const [table, col] of SCHOOL_TABLES) {
      out[table] = storeDatabase(d.store)
        .sqlite.prepare(`select * from ${table} where ${col} = ? order by id`)
        .all(schoolId);
    }
    return out;
  }

  async function checkInvariants(
    accepted: Array<{ dev: Dev; id: string; what: string }>,
    sulActive: boolean,
  ) {
    // (2) No lost offline work, nothing applied twice.
    const receipts = await db()
      .selectFrom('push_receipts')
      .select(['client_id', 'mutation_id', 'result'])
      .where('user_id', '=', ids.ana)
      .where('mutation_id', 'in', [...accepted.map((a) => a.id), ''])
      .execute();
    for (const a of accepted) {
      const d = devices[a.dev]!;
      const mine = receipts.filter((r) => r.mutation_id === a.id && r.client_id === d.store.clientId);
      expect(mine.length, `${a.what} ${a.id}: receipts`).toBeLessThanOrEqual(1);
      const status = mine[0] && (JSON.parse(mine[0].result) as { status: string }).status;
      const where = {
        outbox: d.store.pending().some((p) => p.id === a.id),
        applied: status === 'applied',
        attention: d.store.attention().some((x) => x.id === a.id),
        quarantine: d.store.quarantine().some((x) => x.id === a.id),
      };
      const places = Object.entries(where)
        .filter(([, v]) => v)
        .map(([k]) => k);
      const edit = `${a.what} ${a.id}`;
      expect({ edit, places }).toEqual({
        edit,
        places: [expect.stringMatching(/^(applied|attention|quarantine)$/)],
      });
      if (where.attention) expect(status, `${a.what}: rejected with a receipt`).toBe('rejected');
    }

    // (3) Convergence, proved by checksum and by rows against a fresh device's full pull.
    const schools = sulActive ? [ids.norte, ids.sul].sort() : [ids.norte];
    const fresh = await openDevice({ pullLimit: 1000, pushBatch: 100 });
    try {
      await fresh.engine.syncAll();
      expect(fresh.store.schoolIds()).toEqual(schools);
      for (const [i, d] of devices.entries()) {
        expect(integrity(d.store)).toBe('ok');
        expect(d.store.pendingCount(), `device ${i}: outbox after settling`).toBe(0);
        expect(d.store.schoolIds(), `device ${i}: schools`).toEqual(schools);
        for (const v of await d.engine.verify()) expect(v, `device ${i}`).toMatchObject({ match: true });
        for (const s of schools) {
          expect(d.store.localChecksum(s), `device ${i}, school ${s}`).toBe(fresh.store.localChecksum(s));
          expect(rowsOf(d, s), `device ${i}, school ${s}: rows`).toEqual(rowsOf(fresh, s));
        }
      }
      // (4) Revocation leaves nothing.
      if (!sulActive) {
        for (const [i, d] of [...devices, fresh].entries()) {
          for (const [table, rows] of Object.entries(rowsOf(d, ids.sul)))
            expect(rows, `device ${i}: ${table} of a revoked school`).toEqual([]);
          for (const table of SCHOOL_STATE_TABLES) {
            const n = storeDatabase(d.store)
              .sqlite.prepare(`select count(*) as n from ${table} where school_id = ?`)
              .get(ids.sul);
            expect(n, `device ${i}: ${table} of a revoked school`).toEqual({ n: 0 });
          }
        }
      }
    } finally {
      await fresh.close();
    }
  }

  test('regression: marking a notification read that another device already read converges to the server row', async () => {
    // Found by seed 42: the server left the row alone, so the device kept its own read_at forever.
    await run([{ kind: 'sync', dev: 1 }]);
    const local = storeDatabase(devices[1]!.store)
      .sqlite.prepare('select id, is_read from notifications order by id')
      .all() as Array<{ id: number; is_read: number }>;
    const read = local.findIndex((n) => n.is_read === 1);
    expect(read).toBeGreaterThanOrEqual(0);
    await run([{ kind: 'read', dev: 1, pick: read }]);
  }, 120_000);

  test('every accepted edit lands once or is shown; devices converge; a revoked school leaves nothing', async () => {
    await fc.assert(fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 14 }), run), {
      examples: [[SEED_42_READ_TWICE]],
      seed: Number(process.env.FC_SEED ?? 42),
      numRuns: Number(process.env.FC_RUNS ?? 15),
      endOnFailure: true,
    });
  }, 600_000);
});
