/**
 * The teacher's actions other than edits, performed through the UI (harness, Chromium), each
 * followed by its effect on the server: signing in and out opens and ends a session there, and
 * Restore (Retry) in Needs attention sends a refused edit again until the server applies it.
 * (Edits: tests/e2e/edits.e2e.test.ts; uploads: harness.e2e.test.ts; Discard: offline.e2e.test.ts.)
 */
import { describe, expect } from 'vitest';
import type { PushResponse } from '../../src/shared/protocol.js';
import { signedIn } from '../support/api-client.js';
import { upcomingSession } from './support/data.js';
import { eventually, HAS_CHROMIUM, test, type App } from './support/fixture.js';
import { serverRow } from './support/ui-edits.js';

const liveTokens = async (app: App) =>
  Number(
    (
      await app.server.database.db
        .selectFrom('auth_tokens')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', app.ids.ana)
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe.skipIf(!HAS_CHROMIUM)('actions through the UI reach the server', { timeout: 120_000 }, () => {
  test('signing in opens a session on the server; Sign out in Settings ends it there', async ({ app }) => {
    expect(await liveTokens(app)).toBe(0);
    await app.signIn('ana@classdesk.test');
    expect(await liveTokens(app)).toBe(1);
    await app.go('Settings');
    await app.page.getByRole('button', { name: 'Sign out' }).click();
    await app.page.getByRole('button', { name: 'Sign in' }).waitFor();
    await eventually(async () => (await liveTokens(app)) === 0);
  });

  test('Restore in Needs attention (Retry for a conflict) sends the losing edit again, and the server applies it', async ({
    app,
  }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    const session = await upcomingSession(server.database.db, ids.ana, ids.norte);
    await page.goto(`${app.harness.url}#/sessions/${session.id}`);
    await page.getByRole('heading', { level: 1, name: session.title }).waitFor();

    // Offline, ana writes her notes; meanwhile her other laptop saves different notes.
    await app.offline();
    const mine = 'Notas do portátil da sala: rever o teste.';
    await page.getByLabel('Lesson notes').fill(mine);
    await page.getByText('Will sync when online').waitFor();
    const other = await signedIn(server.url, 'ana@classdesk.test');
    const version = (await serverRow(app, ids.norte, 'session', session.id))!.version as number;
    const pushed = await other.post<PushResponse>('/api/sync/push', {
      client_id: 'ana-other-laptop',
      mutations: [
        {
          id: 'other-1',
          type: 'update_lesson_notes',
          args: { session_id: session.id, lesson_notes: 'Notas do outro portátil.', base_version: version },
        },
      ],
    });
    expect(pushed.body.results[0]?.status).toBe('applied');

    // Back online, the app's edit conflicts and waits in Needs attention.
    await app.online();
    await page.getByRole('button', { name: 'Needs attention (1)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Needs attention' }).waitFor();
    expect((await serverRow(app, ids.norte, 'session', session.id))?.lesson_notes).toBe(
      'Notas do outro portátil.',
    );

    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('button', { name: 'Needs attention (0)' }).waitFor();
    await eventually(
      async () => (await serverRow(app, ids.norte, 'session', session.id))?.lesson_notes === mine,
    );
    await app.settled();
    expect(app.harness.controller.device().store.attention()).toEqual([]);
  });
});
