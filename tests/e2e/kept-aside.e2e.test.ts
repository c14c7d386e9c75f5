/**
 * Kept-aside work in sight (issue 15): lesson notes written offline for a class of a school that is
 * removed before they reach the server are counted in the top bar, shown with their class and text,
 * copied, exported (the CLI's export document) and deleted through the UI in Chromium — in English
 * and in Portuguese — while the server never receives them.
 */
import fs from 'node:fs';
import { describe, expect } from 'vitest';
import { upcomingSession } from './support/data.js';
import { HAS_CHROMIUM, test } from './support/fixture.js';

describe.skipIf(!HAS_CHROMIUM)('kept-aside work', { timeout: 180_000 }, () => {
  test('notes kept aside from a removed school are counted, named with their class, copied, exported and deleted', async ({
    app,
  }) => {
    const { page, server, ids, admin, harness } = app;
    await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: harness.url });
    await app.signIn('ana@classdesk.test');
    const session = await upcomingSession(server.database.db, ids.ana, ids.sul);
    const serverNotes = async () =>
      (
        await server.database.db
          .selectFrom('class_sessions')
          .select('lesson_notes')
          .where('id', '=', session.id)
          .executeTakeFirstOrThrow()
      ).lesson_notes;
    const before = await serverNotes();
    await page.goto(`${harness.url}#/sessions/${session.id}`);
    await page.getByRole('heading', { level: 1, name: session.title }).waitFor();

    // Written offline; meanwhile the school ends ana's membership.
    await app.offline();
    const notes = 'Rever o teste de frações com a turma.\nTrazer as fichas corrigidas.';
    await page.getByLabel('Lesson notes').fill(notes);
    await page.getByText('Will sync when online').waitFor();
    const off = await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: false });
    expect(off.status).toBe(200);
    await app.online();
    const notice = page.getByRole('alert').filter({ hasText: 'Escola Sul was removed from this device' });
    await notice.waitFor();
    // The notice says where the notes went; the top bar counts them.
    await notice
      .filter({
        hasText:
          'Your 1 edit not yet sent is kept aside on this device: copy or export it from Needs attention.',
      })
      .waitFor();
    await page.getByRole('button', { name: 'Needs attention (1)' }).waitFor();
    await notice.getByRole('button', { name: 'See kept-aside work' }).click();
    await page.getByRole('heading', { level: 1, name: 'Needs attention' }).waitFor();
    const [kept] = harness.controller.device().store.quarantine();
    expect(kept).toMatchObject({ subject: session.title, school_name: 'Escola Sul' });
    // Named with its class (title and when), with the text written.
    const item = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: /^Lesson notes — / }) });
    const heading = (await item.getByRole('heading').textContent())!;
    expect(heading).toMatch(new RegExp(`^Lesson notes — ${escape(session.title)}, class of .+\\d`));
    await expect.poll(() => item.textContent()).toContain('Escola Sul');
    await item.getByText('Rever o teste de frações com a turma.', { exact: false }).waitFor();

    // Copy: the clipboard holds the class and the text.
    await item.getByRole('button', { name: `Copy ${heading}` }).click();
    await item.getByText('Copied to the clipboard').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain(heading);
    expect(copied).toContain(notes);

    // Export: the same document the CLI writes (the store's quarantineExport).
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const file = await (await download).path();
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const auth = harness.controller.authState();
    const { exported_at: _at, ...expected } = harness.controller.device().store.quarantineExport(new Date(), {
      server: auth.serverUrl,
      user: { id: auth.user!.id, email: auth.user!.email },
    });
    const { exported_at: at, ...got } = doc;
    expect(typeof at).toBe('string');
    expect(got).toEqual(expected);
    expect(got).toMatchObject({
      count: 1,
      edits: [{ subject: session.title, args: { lesson_notes: notes } }],
    });

    // In Portuguese.
    await app.useLanguage('pt-PT');
    await page.getByRole('button', { name: 'Requer atenção (1)' }).click();
    const ptItem = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: /^Notas da aula — / }) });
    const ptHeading = (await ptItem.getByRole('heading').textContent())!;
    expect(ptHeading).toMatch(new RegExp(`^Notas da aula — ${escape(session.title)}, aula de .+\\d`));
    await page.getByText('1 alteração guardada à parte', { exact: false }).waitFor();

    // Deleted from the device, after a confirmation; the server never had the notes.
    await ptItem.getByRole('button', { name: `Apagar deste dispositivo: ${ptHeading}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirmar' }).click();
    await page.getByRole('button', { name: 'Requer atenção (0)' }).waitFor();
    await page.getByText('Nada guardado à parte.').waitFor();
    expect(harness.controller.device().store.quarantine()).toEqual([]);
    expect(await serverNotes()).toBe(before);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
