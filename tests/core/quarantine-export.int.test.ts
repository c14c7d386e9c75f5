/**
 * The quarantine export, one document for the app and the CLI: a pending edit of Escola Sul is on
 * ana's device when her Sul membership is deactivated; the app's Export (the `quarantine:export`
 * IPC handler) and the CLI's `export-quarantine` then give the same document of it, the CLI's file
 * readable by its owner only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exportQuarantine, type Context } from '../../src/cli/commands.js';
import { writeProfile } from '../../src/cli/profile.js';
import { harnessPlatform } from '../../src/harness/platform.js';
import { AppController } from '../../src/main/core/app/controller.js';
import { createHandlers } from '../../src/main/core/app/handlers.js';
import { MemorySecretStore, silentLogger, systemClock } from '../../src/main/core/ports.js';
import { signedIn } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { openTestDevice } from '../support/device.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';

const PASSWORD = 'classdesk-demo';
const ANA = 'ana@classdesk.test';

describe('quarantine export', () => {
  let server: TestServer;
  let ids: DemoIds;
  let dataDir: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ids = await demoIds(server.database.db);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-quarantine-'));
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('the app and the CLI export the same document of the quarantined edits', async () => {
    const session = await server.database.db
      .selectFrom('class_sessions')
      .select(['id', 'title', 'starts_at'])
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.sul)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    // ana's device (its engine not started): a pending edit of Sul, then her Sul membership ends.
    const device = await openTestDevice(server.url, ANA, { dataDir });
    try {
      await device.engine.syncAll();
      device.engine.edit('update_lesson_notes', {
        session_id: session.id,
        lesson_notes: 'pending when revoked',
      });
      const admin = await signedIn(server.url, 'admin@classdesk.test');
      const off = await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, {
        active: false,
      });
      expect(off.status).toBe(200);
      await device.engine.syncAll();
      expect(device.store.quarantine()).toHaveLength(1);
    } finally {
      await device.close();
    }

    // The app, signed in as ana on the same data directory.
    const app = new AppController({
      dataDir,
      secrets: new MemorySecretStore(),
      tokenPersisted: false,
      clock: systemClock,
      logger: silentLogger,
    });
    let exported: { fileName: string; json: string };
    try {
      const handlers = createHandlers(app, harnessPlatform('0.0.0-test'));
      await handlers['auth:signIn']({ serverUrl: server.url, email: ANA, password: PASSWORD });
      exported = await handlers['quarantine:export']();
    } finally {
      await app.close();
    }
    const fromApp = JSON.parse(exported.json) as Record<string, unknown>;

    // The CLI, on the same data directory.
    writeProfile(dataDir, { server: server.url, email: ANA, user_id: ids.ana });
    const file = path.join(dataDir, 'quarantine.json');
    const out: unknown[] = [];
    const ctx: Context = {
      dataDir,
      env: {},
      logger: silentLogger,
      json: (v) => out.push(v),
      note: () => undefined,
    };
    expect(await exportQuarantine(ctx, file)).toBe(0);
    expect(out).toEqual([{ file, count: 1 }]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const fromCli = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

    const expected = {
      server: server.url,
      user: { id: ids.ana, email: ANA },
      count: 1,
      edits: [
        {
          id: expect.any(String) as unknown,
          school_id: ids.sul,
          school_name: 'Escola Sul',
          // The class the notes were for, kept with them when the school left the device.
          subject: session.title,
          subject_at: session.starts_at,
          type: 'update_lesson_notes',
          args: {
            session_id: session.id,
            lesson_notes: 'pending when revoked',
            base_version: expect.any(Number) as unknown,
          },
          created_at: expect.any(String) as unknown,
          quarantined_at: expect.any(String) as unknown,
        },
      ],
    };
    const { exported_at: appAt, ...app_ } = fromApp;
    const { exported_at: cliAt, ...cli_ } = fromCli;
    expect(app_).toEqual(expected);
    expect(cli_).toEqual(app_);
    for (const at of [appAt, cliAt]) expect(new Date(at as string).toISOString()).toBe(at);
    expect(exported.fileName).toBe(`classdesk-quarantine-${(appAt as string).slice(0, 10)}.json`);
  }, 60_000);
});
