/**
 * Sync state that tells the truth (issue 15), through the UI in Chromium, in English and in
 * Portuguese where the words matter, with the server's database as the judge: queued uploads are
 * counted and listed with their progress, a file not on the device says so while offline and comes
 * down once back online, "Sync now" offline says what will happen, and a server that takes requests
 * but never answers is named as such while the edits wait and then arrive.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { signedIn } from '../support/api-client.js';
import { upcomingSession } from './support/data.js';
import { eventually, HAS_CHROMIUM, test, type App } from './support/fixture.js';

const statusBar = (app: App) => app.page.getByRole('banner').getByRole('status').first();

async function resourceTitled(app: App, title: string) {
  return app.server.database.db
    .selectFrom('resources')
    .select(['id', 'school_id', 'size', 'sha256'])
    .where('title', '=', title)
    .executeTakeFirst();
}

/** Chooses a file and a title in the upload form and sends it to Escola Norte. */
async function uploadThroughForm(app: App, title: string, buffer: Buffer): Promise<void> {
  const { page } = app;
  await page.getByLabel('File').setInputFiles({ name: 'ficha.txt', mimeType: 'text/plain', buffer });
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Upload to school').selectOption({ label: 'Escola Norte' });
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
}

describe.skipIf(!HAS_CHROMIUM)('sync state that tells the truth', { timeout: 180_000 }, () => {
  test('a file uploaded offline counts as waiting and is listed as waiting to upload until the server has it', async ({
    app,
  }) => {
    const { page, ids } = app;
    await app.signIn('ana@classdesk.test');
    await app.go('Resources');
    await app.offline();
    const title = 'Ficha de frações (sem rede)';
    const bytes = Buffer.from('Exercícios de frações 1 a 12\n');
    await uploadThroughForm(app, title, bytes);

    // Counted with the edits, and in the list with its state.
    await statusBar(app).filter({ hasText: '1 edit waiting to sync' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: title });
    await row.getByText('Waiting to upload').first().waitFor();
    expect(await resourceTitled(app, title)).toBeUndefined();

    await app.useLanguage('pt-PT');
    await page.getByRole('navigation').getByRole('link', { name: 'Recursos', exact: true }).click();
    await statusBar(app).filter({ hasText: '1 alteração por enviar' }).waitFor();
    await row.getByText('À espera de envio').first().waitFor();
    await app.useLanguage('en');

    await app.online();
    const landed = await eventually(() => resourceTitled(app, title));
    expect(landed).toMatchObject({
      school_id: ids.norte,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    await statusBar(app).filter({ hasText: 'No edits waiting' }).waitFor();
    await expect.poll(() => row.getByText('Waiting to upload').count()).toBe(0);
    await row.getByRole('button', { name: `Open ${title}` }).waitFor();
  });

  test('an upload on its way shows its progress in the list', async ({ app }) => {
    const { page, net } = app;
    await app.signIn('ana@classdesk.test');
    await app.go('Resources');
    // The network holds the upload's bytes after its first 4 kB: it stays on its way.
    const held = net.arm({
      request: /POST \/api\/resources/,
      direction: 'up',
      afterBytes: 4096,
      action: 'stall',
    });
    const title = 'Plano da visita de estudo';
    const bytes = Buffer.from('Plano da visita\n'.repeat(20_000));
    await uploadThroughForm(app, title, bytes);
    await held;

    const row = page.getByRole('row').filter({ hasText: title });
    await row.getByRole('progressbar', { name: /^Uploading… \d+%$/ }).waitFor();
    await statusBar(app).filter({ hasText: '1 edit waiting to sync' }).waitFor();
    expect(await resourceTitled(app, title)).toBeUndefined();

    net.recover();
    await eventually(() => resourceTitled(app, title));
    await statusBar(app).filter({ hasText: 'No edits waiting' }).waitFor();
    await expect.poll(() => row.getByRole('progressbar').count()).toBe(0);
  });

  test('a file not on the device says so while offline, and comes down once back online', async ({ app }) => {
    const { page, server, harness } = app;
    await app.signIn('ana@classdesk.test');
    // A file on the server that this device has not downloaded (no class of the week uses it).
    const title = 'Textos de apoio — unidade 4';
    const body = Buffer.from('Texto 1: O ciclo da água.\n');
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const form = new FormData();
    form.set('school_id', String(app.ids.norte));
    form.set('title', title);
    form.set('file', new Blob([body], { type: 'text/plain' }), 'textos.txt');
    const posted = await ana.request<{ id: number; sha256: string }>('POST', '/api/resources', { raw: form });
    expect(posted.status).toBe(201);
    await eventually(async () =>
      (
        await server.database.db
          .selectFrom('resources')
          .select('scan_status')
          .where('id', '=', posted.body.id)
          .executeTakeFirstOrThrow()
      ).scan_status === 'clean'
        ? true
        : undefined,
    );
    await app.go('Resources');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await app.settled();
    const store = harness.controller.device().store;
    const open = page.getByRole('button', { name: `Open ${title}` });
    await open.waitFor();
    expect(store.cachedFile(posted.body.sha256)).toBeUndefined();

    await app.offline();
    const table = page.getByRole('table');
    const widths = () =>
      table
        .getByRole('columnheader')
        .evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)));
    const before = await widths();
    await open.click();
    const note = page.getByRole('alert').filter({
      hasText: `“${title}” is not on this device, and it can’t be downloaded while offline.`,
    });
    await note.waitFor();
    // The note sits under the row: the table's columns keep their widths (to a pixel of rounding).
    const after = await widths();
    expect(after).toHaveLength(before.length);
    after.forEach((w, i) => expect(Math.abs(w - before[i]!)).toBeLessThanOrEqual(2));
    expect(await page.getByText(/cannot reach|fetch failed|interrupted/).count()).toBe(0);

    // In Portuguese too.
    await app.useLanguage('pt-PT');
    await page.getByRole('navigation').getByRole('link', { name: 'Recursos', exact: true }).click();
    await page.getByRole('button', { name: `Abrir ${title}` }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: `“${title}” não está neste dispositivo e não pode ser descarregado sem ligação.` })
      .waitFor();
    await page.getByRole('button', { name: 'Descarregar quando houver ligação' }).click();
    await page.getByText(`“${title}” será descarregado quando a ligação voltar.`).waitFor();

    // Back online, it comes down by itself and is on the device, byte for byte.
    app.net.recover();
    await page.getByRole('button', { name: 'Sincronizar agora' }).click();
    await page.getByText(`“${title}” já está neste dispositivo: também abre sem ligação.`).waitFor();
    const cached = store.cachedFile(posted.body.sha256);
    expect(cached?.size).toBe(body.length);
    const file = harness.controller.device().files.pathOf(posted.body.sha256);
    expect(createHash('sha256').update(fs.readFileSync(file)).digest('hex')).toBe(posted.body.sha256);
  });

  test('“Sync now” while offline says the device is offline and that the edits will go when it is back', async ({
    app,
  }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    const session = await upcomingSession(server.database.db, ids.ana, ids.norte);
    await page.goto(`${app.harness.url}#/sessions/${session.id}`);
    await page.getByRole('heading', { level: 1, name: session.title }).waitFor();
    await app.offline();
    const notes = 'Corrigir os trabalhos de casa na próxima aula.';
    await page.getByLabel('Lesson notes').fill(notes);
    await page.getByText('Will sync when online').waitFor();

    await page.getByRole('button', { name: 'Sync now' }).click();
    await statusBar(app)
      .filter({ hasText: 'This device is offline: your 1 edit will be sent when it is back online.' })
      .waitFor();

    await app.useLanguage('pt-PT');
    await page.getByRole('button', { name: 'Sincronizar agora' }).click();
    await statusBar(app)
      .filter({
        hasText: 'Este dispositivo está sem ligação: a sua 1 alteração será enviada quando a ligação voltar.',
      })
      .waitFor();
    const lessonNotes = async () =>
      (
        await server.database.db
          .selectFrom('class_sessions')
          .select('lesson_notes')
          .where('id', '=', session.id)
          .executeTakeFirstOrThrow()
      ).lesson_notes;
    expect(await lessonNotes()).not.toBe(notes);

    // Back online: the edit went, and the bar stops saying otherwise.
    app.net.recover();
    await page.getByRole('button', { name: 'Sincronizar agora' }).click();
    await app.settled();
    await expect.poll(lessonNotes).toBe(notes);
    await expect.poll(() => page.getByText('Este dispositivo está sem ligação').count()).toBe(0);
  });
});

describe.skipIf(!HAS_CHROMIUM)('a server that takes requests but never answers', { timeout: 180_000 }, () => {
  const short = test.override('appOptions', { requestTimeoutMs: 3_000 });

  short(
    'the bar says the server is not answering, the edits wait, and they go once it answers',
    async ({ app }) => {
      const { page, server, ids, net } = app;
      await app.signIn('ana@classdesk.test');
      const session = await upcomingSession(server.database.db, ids.ana, ids.norte);
      await page.goto(`${app.harness.url}#/sessions/${session.id}`);
      await page.getByRole('heading', { level: 1, name: session.title }).waitFor();

      // The server's process hangs: connections are taken, nothing comes back.
      net.stallAll();
      const notes = 'Ditado na próxima aula.';
      await page.getByLabel('Lesson notes').fill(notes);
      await statusBar(app).filter({ hasText: 'Server not answering' }).waitFor({ timeout: 20_000 });
      await statusBar(app)
        .filter({ hasText: 'Your edits are kept on this device and will be sent when it answers.' })
        .waitFor();
      await statusBar(app).filter({ hasText: '1 edit waiting to sync' }).waitFor();
      expect(app.harness.controller.device().store.pendingCount()).toBe(1);

      await app.useLanguage('pt-PT');
      await statusBar(app).filter({ hasText: 'O servidor não responde' }).waitFor({ timeout: 20_000 });

      // It answers again: the app retries by itself (no "Sync now") and the edit arrives once.
      net.recover();
      await expect
        .poll(
          async () =>
            (
              await server.database.db
                .selectFrom('class_sessions')
                .select('lesson_notes')
                .where('id', '=', session.id)
                .executeTakeFirstOrThrow()
            ).lesson_notes,
          { timeout: 30_000 },
        )
        .toBe(notes);
      await statusBar(app).filter({ hasText: 'Nenhuma alteração por enviar' }).waitFor({ timeout: 30_000 });
      await expect.poll(() => page.getByText('O servidor não responde').count()).toBe(0);
      const receipts = await server.database.db
        .selectFrom('push_receipts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', ids.ana)
        .executeTakeFirstOrThrow();
      expect(Number(receipts.n)).toBe(1);
    },
  );
});
