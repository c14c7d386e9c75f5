/**
 * Feature flags on the device (docs/ARCHITECTURE.md, "Feature flags"): the flags come with the
 * pull and stay in the device's store (a device reopened offline reads the same); with
 * `real_time_updates` off the engine ignores pokes and polls on a timer, and still sees the
 * administrator's change; turned on again, pokes bring changes once more.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LocalStore, storeDatabase } from '../../src/main/core/store/local-store.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { openTestDevice, startLive, type TestDevice } from '../support/device.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';
import { until } from '../support/until.js';

describe('feature flags on a device', { timeout: 60_000 }, () => {
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;
  let rui: TestDevice;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
    rui = await openTestDevice(server.url, 'rui@classdesk.test', { engine: { flagPollMs: 500 } });
    await startLive(rui, 1);
  });
  afterAll(async () => {
    await rui?.close().catch(() => undefined);
    fs.rmSync(rui?.dataDir ?? '', { recursive: true, force: true });
    await server?.stop();
  });

  const setFlag = async (key: string, body: unknown) => {
    const r = await admin.put(`/api/admin/schools/${ids.norte}/feature-flags/${key}`, body);
    expect(r.status, r.text).toBe(200);
  };
  const rename = async (title: string) => {
    const session = await server.database.db
      .selectFrom('class_sessions')
      .select('id')
      .where('teacher_id', '=', ids.rui)
      .where('school_id', '=', ids.norte)
      .where('status', '=', 'scheduled')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const r = await admin.patch(`/api/admin/schools/${ids.norte}/sessions/${session.id}`, { title });
    expect(r.status, r.text).toBe(200);
    return session.id;
  };
  const localTitle = (id: number) =>
    (
      storeDatabase(rui.store).sqlite.prepare('select title from sessions where id = ?').get(id) as
        { title: string } | undefined
    )?.title;

  test('the flags come with the pull; real_time_updates off: pokes ignored, the timer polls', async () => {
    expect(rui.store.featureFlags(ids.norte)).toEqual({
      email_notifications: true,
      real_time_updates: true,
      dashboard_widgets: true,
    });
    await setFlag('real_time_updates', { enabled: false });
    await setFlag('dashboard_widgets', { enabled: false });
    // The next change reaches the device by its poke (real time still on there); the pull
    // brings the flags.
    const pokes: number[] = [];
    rui.engine.on('poke', (p) => pokes.push(p.schoolId));
    const id = await rename('Aula por poke');
    await until('the first title on the device', () =>
      localTitle(id) === 'Aula por poke' ? true : undefined,
    );
    await until('the flags on the device', () =>
      rui.store.featureFlags(ids.norte).real_time_updates === false ? true : undefined,
    );
    expect(rui.store.featureFlags(ids.norte)).toEqual({
      email_notifications: true,
      real_time_updates: false,
      dashboard_widgets: false,
    });
    const pokesBefore = pokes.length;
    await rename('Aula por sondagem');
    await until('the polled title on the device', () =>
      localTitle(id) === 'Aula por sondagem' ? true : undefined,
    );
    // The poke for that change was not acted on: the timer brought it.
    expect(pokes.length).toBe(pokesBefore);

    await setFlag('real_time_updates', { enabled: true });
    await until('real time on again on the device', () =>
      rui.store.featureFlags(ids.norte).real_time_updates ? true : undefined,
    );
    await rename('Aula por poke outra vez');
    await until('the poke again', () => (pokes.length > pokesBefore ? true : undefined));
    await until('the title by poke', () => (localTitle(id) === 'Aula por poke outra vez' ? true : undefined));
  });

  test('a device reopened offline keeps the flags it pulled', async () => {
    await rui.engine.idle();
    const file = rui.store.file;
    await rui.close();
    // No server, no engine: the store alone answers what the last pull gave.
    const reopened = await LocalStore.open(file);
    try {
      expect(reopened.featureFlags(ids.norte)).toEqual({
        email_notifications: true,
        real_time_updates: true,
        dashboard_widgets: false,
      });
      // A revoked school's flags leave with it (nothing of the school stays in the store).
      const key = `feature_flags:${ids.norte}`;
      expect(reopened.getMeta(key)).toBeDefined();
      reopened.revokeSchool(ids.norte, new Date().toISOString());
      expect(reopened.getMeta(key)).toBeUndefined();
    } finally {
      await reopened.close();
    }
  });
});
