import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { IPC_CHANNELS } from '../../src/shared/ipc.js';
import { eventually, HAS_CHROMIUM, test } from './support/fixture.js';

describe.skipIf(!HAS_CHROMIUM)('browser harness', { timeout: 180_000 }, () => {
  test('the renderer runs under the app’s CSP and reaches the core through window.classdesk', async ({
    app,
  }) => {
    const { page, harness } = app;
    const response = await page.goto(harness.url);
    const header = response?.headers()['content-security-policy'] ?? '';
    expect(header).toContain("connect-src 'self'");
    expect(header).toContain("script-src 'self'");
    // The build's own meta policy is served untouched.
    expect(
      await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'),
    ).toContain("connect-src 'self'");
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    const bridge = await page.evaluate(async () => ({
      keys: Object.keys(window.classdesk).sort(),
      frozen: Object.isFrozen(window.classdesk),
      info: await window.classdesk['app:info'](),
      bad: await window.classdesk['auth:signIn']({ serverUrl: 'ftp://x', email: 'a@b.c', password: 'x' }),
    }));
    expect(bridge.keys).toEqual([...IPC_CHANNELS, 'onEvent'].sort());
    expect(bridge.frozen).toBe(true);
    expect(bridge.info).toMatchObject({ ok: true, value: { harness: true } });
    expect(bridge.bad).toMatchObject({ ok: false, error: { code: 'invalid_args' } });
  });

  test('a file uploaded through the UI reaches the server byte for byte', async ({ app }) => {
    const { page, server, ids } = app;
    await app.signIn('ana@classdesk.test');
    await app.go('Resources');
    // A PDF whose body holds every byte value: binary must survive the WebSocket hop.
    const bytes = Buffer.concat([
      Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
      Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256)),
      Buffer.from('\ntrailer<<>>\n%%EOF\n'),
    ]);
    await page
      .getByLabel('File')
      .setInputFiles({ name: 'bytes.pdf', mimeType: 'application/pdf', buffer: bytes });
    await page.getByLabel('Title').fill('Every byte');
    await page.getByLabel('Upload to school').selectOption({ label: 'Escola Sul' });
    await page.getByRole('button', { name: 'Upload' }).click();

    const row = await eventually(() =>
      server.database.db
        .selectFrom('resources')
        .select(['school_id', 'teacher_id', 'size', 'sha256', 'file_type'])
        .where('title', '=', 'Every byte')
        .executeTakeFirst(),
    );
    expect(row).toEqual({
      school_id: ids.sul,
      teacher_id: ids.ana,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      file_type: 'pdf',
    });
    await page.getByRole('main').getByText('Every byte').first().waitFor();
  });
});
