/**
 * docs/ARCHITECTURE.md invariant 4 at the level of bytes: a unique marker is written into Escola Sul's
 * data on the server (a session title of ana's, an announcement and its notification, a
 * resource's title and file content, the teacher's plan, template and private note), reaches ana's device (the control: the marker is in the
 * device's files), and after ana's Sul membership is deactivated no file under the device's
 * data directory — SQLite database, WAL, shared memory, cached files, anything — holds it,
 * neither while the app runs nor after it closes. The cached file itself is gone.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { until } from '../support/until.js';
import { openTestDevice, type TestDevice } from '../support/device.js';
import { integrity } from '../support/sync-audit.js';
import { storeDatabase } from '../../src/main/core/store/local-store.js';
import { newRowId } from '../../src/shared/mutators.js';
import type { PushResponse } from '../../src/shared/protocol.js';

/** A template ana saved in Norte: it stays when Sul goes. */
const NORTE_TEMPLATE = 'Norte template (stays)';
/** ana's private note about a Sul student, rewritten by each test. */
const SUL_NOTE = newRowId();

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((e) => {
    const file = path.join(e.parentPath, e.name);
    return e.isFile() ? [file] : [];
  });
}

/** Files under `dir` whose raw bytes hold `marker` (as UTF-8 or UTF-16). */
function filesHolding(dir: string, marker: string): string[] {
  const needles = [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le')];
  return filesUnder(dir)
    .filter((f) => {
      const bytes = fs.readFileSync(f);
      return needles.some((n) => bytes.includes(n));
    })
    .map((f) => path.relative(dir, f));
}

describe('revocation leaves no byte of the school on the device', () => {
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;
  let anaWeb: TestApi;
  const devices: TestDevice[] = [];

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
    anaWeb = await signedIn(server.url, 'ana@classdesk.test');
  });
  beforeEach(async () => {
    const r = await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: true });
    expect(r.status).toBe(200);
  });
  afterAll(async () => {
    for (const d of devices) {
      await d.close().catch(() => undefined);
      fs.rmSync(d.dataDir, { recursive: true, force: true });
    }
    await server?.stop();
  });

  /**
   * Writes the marker into Sul's data (and a Norte row without it), syncs a new device of ana's,
   * caches the marked file, and checks the marker is on the device. Returns what the test needs.
   */
  async function markedDevice(opts: { live: boolean }) {
    const marker = `MARKER-${randomBytes(12).toString('hex')}`;
    const session = await server.database.db
      .selectFrom('class_sessions')
      .select('id')
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.sul)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const renamed = await admin.patch(`/api/admin/schools/${ids.sul}/sessions/${session.id}`, {
      title: `${marker} — Frações`,
    });
    expect(renamed.status).toBe(200);
    const posted = await admin.post(`/api/admin/schools/${ids.sul}/announcements`, {
      title: `Reunião ${marker}`,
      message: `Leiam ${marker} antes de sexta.`,
    });
    expect(posted.status).toBe(201);
    const form = new FormData();
    form.set('school_id', String(ids.sul));
    form.set('title', `Ficha ${marker}`);
    form.set('file', new Blob([`Exercícios de frações\n${marker}\n`], { type: 'text/plain' }), 'ficha.txt');
    const uploaded = await anaWeb.request<{ id: number; sha256: string }>('POST', '/api/resources', {
      raw: form,
    });
    expect(uploaded.status).toBe(201);
    const resource = uploaded.body;
    await until('the upload to be scanned', async () => {
      const r = await server.database.db
        .selectFrom('resources')
        .select('scan_status')
        .where('id', '=', resource.id)
        .executeTakeFirstOrThrow();
      return r.scan_status === 'clean' ? true : undefined;
    });

    // The teacher's own preparation in Sul carries it too: a plan, a template, a private note.
    const sulPlan = await server.database.db
      .selectFrom('class_sessions')
      .innerJoin('enrolments', 'enrolments.session_id', 'class_sessions.id')
      .select(['class_sessions.id', 'class_sessions.version', 'enrolments.student_id'])
      .where('class_sessions.id', '=', session.id)
      .executeTakeFirstOrThrow();
    const note = await server.database.db
      .selectFrom('student_notes')
      .select('version')
      .where('teacher_id', '=', ids.ana)
      .where('id', '=', SUL_NOTE)
      .executeTakeFirst();
    const content = { objectives: marker, activities: [], materials: '', homework: '', notes: '' };
    const pushed = await anaWeb.post<PushResponse>('/api/sync/push', {
      client_id: 'revocation-web',
      mutations: [
        {
          id: `plan-${marker}`,
          type: 'update_lesson_plan',
          args: { session_id: sulPlan.id, base_version: sulPlan.version, homework: `Trabalho ${marker}` },
        },
        {
          id: `tpl-${marker}`,
          type: 'save_plan_template',
          args: {
            template_id: newRowId(),
            school_id: ids.sul,
            base_version: 0,
            name: `Modelo ${marker}`,
            content,
          },
        },
        {
          id: `note-${marker}`,
          type: 'save_student_note',
          args: {
            note_id: SUL_NOTE,
            school_id: ids.sul,
            student_id: sulPlan.student_id,
            base_version: note?.version ?? 0,
            body: `Nota ${marker}`,
          },
        },
        {
          id: `tpl-norte-${marker}`,
          type: 'save_plan_template',
          args: {
            template_id: newRowId(),
            school_id: ids.norte,
            base_version: 0,
            name: NORTE_TEMPLATE,
            content: { ...content, objectives: 'Norte' },
          },
        },
      ],
    });
    expect(pushed.body.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);

    const device = await openTestDevice(server.url, 'ana@classdesk.test');
    devices.push(device);
    if (opts.live) {
      device.engine.start();
      await until('the first live sync', async () =>
        device.store.syncState(ids.sul)?.checksum && !device.engine.status.syncing ? true : undefined,
      );
      await device.engine.idle();
    } else {
      await device.engine.syncAll();
    }
    const cached = await device.files.ensure(resource.id);
    await device.files.idle();

    // The control: the marker is on the device, in its database and in the cached file.
    const holding = filesHolding(device.dataDir, marker);
    expect(holding).toContain(path.relative(device.dataDir, cached));
    expect(holding.some((f) => /classdesk\.sqlite(-wal)?$/.test(f))).toBe(true);
    return { device, marker, cached, resource };
  }

  test('after a sync learns of the deactivation, the marker is in no file of the device', async () => {
    const { device, marker, cached } = await markedDevice({ live: false });
    // An edit pending when the school goes: kept aside for export, not pushed, not lost — with the
    // title of its class (another class than the marked one: that title is the teacher's label for
    // the kept work, docs/ARCHITECTURE.md "Kept-aside edits").
    const sulSession = await storeDatabase(device.store)
      .db.selectFrom('sessions')
      .select(['id', 'title'])
      .where('school_id', '=', ids.sul)
      .where('title', 'not like', `%${marker}%`)
      .executeTakeFirstOrThrow();
    device.engine.edit('update_lesson_notes', {
      session_id: sulSession.id,
      lesson_notes: 'written on the bus',
    });

    const off = await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: false });
    expect(off.status).toBe(200);
    const summary = await device.engine.syncAll();
    expect(summary.revoked).toEqual([ids.sul]);
    await device.files.idle();

    expect(device.store.quarantine().map((q) => JSON.parse(q.args) as unknown)).toEqual([
      expect.objectContaining({ session_id: sulSession.id, lesson_notes: 'written on the bus' }),
    ]);
    expect(device.store.quarantine().map((q) => q.subject)).toEqual([sulSession.title]);
    expect(fs.existsSync(cached)).toBe(false);
    expect(filesHolding(device.dataDir, marker), 'while the app runs').toEqual([]);
    expect(integrity(device.store)).toBe('ok');
    // Norte is untouched, its template too.
    const templates = await storeDatabase(device.store)
      .db.selectFrom('plan_templates')
      .select('name')
      .execute();
    expect(templates.map((t) => t.name)).toContain(NORTE_TEMPLATE);
    expect(summary.schools.map((s) => s.schoolId)).toEqual([ids.norte]);
    expect(summary.schools[0]).toMatchObject({ verified: true });

    await device.close();
    expect(filesHolding(device.dataDir, marker), 'after the app closed').toEqual([]);
  });

  test('after the server pushes scope_revoked to a live device, the marker is in no file of the device', async () => {
    const { device, marker, cached } = await markedDevice({ live: true });
    const revoked = new Promise<{ schoolId: number }>((resolve) => device.engine.once('revoked', resolve));

    const off = await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: false });
    expect(off.status).toBe(200);
    expect(await revoked).toMatchObject({ schoolId: ids.sul });
    await device.engine.idle();
    await device.files.idle();

    expect(device.store.schoolIds()).toEqual([ids.norte]);
    expect(fs.existsSync(cached)).toBe(false);
    expect(filesHolding(device.dataDir, marker), 'while the app runs').toEqual([]);
    expect(integrity(device.store)).toBe('ok');

    await device.close();
    expect(filesHolding(device.dataDir, marker), 'after the app closed').toEqual([]);
  });

  test('a pull answered before the deactivation and arriving after scope_revoked does not bring the school back', async () => {
    const { device, marker, cached } = await markedDevice({ live: false });
    const session = await server.database.db
      .selectFrom('class_sessions')
      .select('id')
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.sul)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    // A change the next pull of Sul brings.
    const renamed = await admin.patch(`/api/admin/schools/${ids.sul}/sessions/${session.id}`, {
      title: `${marker} — Geometria`,
    });
    expect(renamed.status).toBe(200);

    // The network is slow: the answer to the pull of Sul arrives after the server revoked the
    // membership and the device handled scope_revoked.
    const transport = device.transport;
    const pull = transport.pull.bind(transport);
    let held = false;
    transport.pull = async (schoolId, cursor, limit) => {
      const res = await pull(schoolId, cursor, limit);
      if (schoolId === ids.sul && !held) {
        held = true;
        expect(res.changes.length).toBeGreaterThan(0);
        const off = await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, {
          active: false,
        });
        expect(off.status).toBe(200);
        await device.engine.revoke(ids.sul); // what the socket's scope_revoked handler does
      }
      return res;
    };
    await device.engine.syncAll();
    await device.files.idle();
    expect(held).toBe(true);

    expect(device.store.schoolIds()).toEqual([ids.norte]);
    for (const table of ['schools', 'sessions', 'enrolments', 'announcements', 'notifications'] as const) {
      const col = table === 'schools' ? 'id' : 'school_id';
      const left = await storeDatabase(device.store)
        .db.selectFrom(table)
        .select(col)
        .where(col, '=', ids.sul)
        .execute();
      expect(left, table).toEqual([]);
    }
    expect(fs.existsSync(cached)).toBe(false);
    expect(filesHolding(device.dataDir, marker), 'while the app runs').toEqual([]);
    await device.close();
    expect(filesHolding(device.dataDir, marker), 'after the app closed').toEqual([]);
  });
});
