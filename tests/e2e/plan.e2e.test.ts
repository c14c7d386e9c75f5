/**
 * The lesson plan through the UI (harness, Chromium), each effect found on the server through
 * its HTTP API: the editor's fields and time check, sanitised Markdown, the last lesson's plan
 * and homework, templates across schools, printing to PDF, and two devices of one teacher —
 * a plan written offline on one reaches the other, edits of different fields both survive, and
 * the same field edited on both lands in Needs attention (docs/ARCHITECTURE.md, "Lesson plans").
 */
import { describe, expect } from 'vitest';
import { upcomingSession } from './support/data.js';
import { eventually, HAS_CHROMIUM, test, type App, type Device } from './support/fixture.js';
import { pdfText } from './support/pdf.js';
import { consecutiveLessons, lessonsBetween, weekOf, type SessionRef } from './support/plan-data.js';
import { serverRow, serverRows } from './support/ui-edits.js';

const field = (d: Device, label: string) => d.page.getByRole('textbox', { name: label, exact: true });

async function open(d: Device, app: App, s: { id: number; title: string }) {
  await d.page.goto(`${d.harness.url}#/sessions/${s.id}`);
  await d.page.getByRole('heading', { level: 1, name: s.title }).waitFor();
  await d.page.getByRole('heading', { level: 2, name: 'Lesson plan' }).waitFor();
  void app;
}

const minutesOf = (s: SessionRef) => Math.round((Date.parse(s.ends_at) - Date.parse(s.starts_at)) / 60_000);

async function sessionRef(app: App, id: number): Promise<SessionRef> {
  return app.server.database.db
    .selectFrom('class_sessions')
    .select(['id', 'title', 'starts_at', 'ends_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

describe.skipIf(!HAS_CHROMIUM)('the lesson plan', { timeout: 180_000 }, () => {
  test('each field of the editor reaches the server; the time check warns; Markdown shows sanitised', async ({
    app,
  }) => {
    const { page } = app;
    await app.signIn();
    const s = await sessionRef(
      app,
      (await upcomingSession(app.server.database.db, app.ids.ana, app.ids.norte)).id,
    );
    await open(app, app, s);
    const length = minutesOf(s);

    const objectives = [
      '**Somar** frações com o mesmo denominador',
      '<img src="x" onerror="window.__pwned = 1">',
      '<script>window.__pwned = 2</script>',
      '[manual](https://example.org/manual) e [isto não](javascript:window.__pwned=3)',
    ].join('\n\n');
    await field(app, 'Objectives').fill(objectives);
    await page.getByRole('button', { name: 'Add activity' }).click();
    await field(app, 'Activity 1').fill('Aquecimento');
    await page.getByRole('spinbutton', { name: 'Minutes (activity 1)' }).fill('10');
    await page.getByRole('button', { name: 'Add activity' }).click();
    await field(app, 'Activity 2').fill('Exercícios da ficha');
    await page.getByRole('spinbutton', { name: 'Minutes (activity 2)' }).fill(String(length));
    await field(app, 'Notes (activity 2)').fill('Em pares');
    // The sum runs over the lesson: the warning says by how much.
    await page.getByText(`Planned: ${length + 10} minutes of ${length} minutes.`).waitFor();
    await page.getByRole('alert').filter({ hasText: 'Runs over the lesson by 10 minutes.' }).waitFor();
    await page.getByRole('button', { name: 'Move activity 2 up' }).click();
    await expect.poll(() => field(app, 'Activity 1').inputValue()).toBe('Exercícios da ficha');
    await field(app, 'Materials').fill('Ficha 4, régua');
    await field(app, 'Homework').fill('Página 12, exercícios 1 a 5');
    await page.getByLabel('Plan ready').check();
    await page.locator('.badge.plan-ready').filter({ hasText: 'Ready' }).waitFor();

    const row = await eventually(async () => {
      const r = await serverRow(app, app.ids.norte, 'session', s.id);
      return r?.plan_ready === true && r.plan_homework !== '' && r.plan_materials !== '' ? r : null;
    });
    expect(row.plan_objectives).toBe(objectives);
    expect(row.plan_activities).toEqual([
      { title: 'Exercícios da ficha', minutes: length, notes: 'Em pares' },
      { title: 'Aquecimento', minutes: 10, notes: '' },
    ]);
    expect(row.plan_materials).toBe('Ficha 4, régua');
    expect(row.plan_homework).toBe('Página 12, exercícios 1 a 5');

    // The preview renders the Markdown; HTML in the text shows as text, and nothing runs or loads.
    const objectivesField = page
      .locator('.md-field')
      .filter({ has: page.getByRole('heading', { name: 'Objectives' }) });
    await objectivesField.getByRole('button', { name: 'Preview' }).click();
    const preview = objectivesField.locator('.md-preview');
    await preview.getByText('Somar', { exact: true }).waitFor();
    expect(await preview.locator('strong').textContent()).toBe('Somar');
    expect(await preview.locator('img, script, [onerror], [onclick]').count()).toBe(0);
    await preview.getByText('<img src="x" onerror="window.__pwned = 1">').waitFor();
    expect(await preview.getByRole('link', { name: 'manual' }).getAttribute('href')).toBe(
      'https://example.org/manual',
    );
    expect(await preview.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    // A link opens in the browser, never in the app's window.
    const before = page.url();
    await preview.getByRole('link', { name: 'manual' }).click();
    await expect.poll(() => app.harness.platform.openedUrls).toEqual(['https://example.org/manual']);
    expect(page.url()).toBe(before);
  });

  test("the next lesson shows the homework due and copies the last lesson's plan", async ({ app }) => {
    const { page } = app;
    await app.signIn();
    const [first, next] = await consecutiveLessons(app.server.database.db, app.ids.ana, app.ids.norte);
    await open(app, app, first);
    await field(app, 'Objectives').fill('Introdução às frações');
    await field(app, 'Homework').fill('Ler o capítulo 3');
    await field(app, 'Homework').blur();
    await app.settled();

    await open(app, app, next);
    const due = page.getByRole('region', { name: 'Homework due today' });
    await due.getByText('Ler o capítulo 3').waitFor();
    await due.getByText(`Set in “${first.title}”`, { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Copy the plan of the last lesson' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Copied the plan of “${first.title}”.` })
      .waitFor();
    await expect.poll(() => field(app, 'Objectives').inputValue()).toBe('Introdução às frações');
    await eventually(async () => {
      const r = await serverRow(app, app.ids.norte, 'session', next.id);
      return r?.plan_objectives === 'Introdução às frações' && r.plan_homework === 'Ler o capítulo 3';
    });
  });

  test('a template saved in one school starts a plan in another', async ({ app }) => {
    const { page } = app;
    await app.signIn();
    const norte = await upcomingSession(app.server.database.db, app.ids.ana, app.ids.norte);
    const sul = await upcomingSession(app.server.database.db, app.ids.ana, app.ids.sul);
    await open(app, app, norte);
    await field(app, 'Objectives').fill('Rever as frações equivalentes');
    await page.getByRole('button', { name: 'Add activity' }).click();
    await field(app, 'Activity 1').fill('Jogo das frações');
    await page.getByRole('spinbutton', { name: 'Minutes (activity 1)' }).fill('20');
    await field(app, 'Activity 1').blur();
    await app.settled();

    await page.getByRole('button', { name: 'Save as template' }).click();
    const form = page.getByRole('form', { name: 'Save as template' });
    await form.getByLabel('Template name').fill('Revisões de frações');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the template “Revisões de frações”.' }).waitFor();
    await eventually(async () =>
      (await serverRows(app, app.ids.norte, 'plan_template')).some((t) => t.name === 'Revisões de frações'),
    );

    await open(app, app, sul);
    await page.getByRole('button', { name: 'Start from a template' }).click();
    const picker = page.getByRole('dialog', { name: 'Start from a template' });
    const item = picker.getByRole('listitem').filter({ hasText: 'Revisões de frações' });
    await item.getByText('Saved in Escola Norte').waitFor();
    await item.getByRole('button', { name: 'Use the template “Revisões de frações”' }).click();
    await expect.poll(() => field(app, 'Objectives').inputValue()).toBe('Rever as frações equivalentes');
    await eventually(async () => {
      const r = await serverRow(app, app.ids.sul, 'session', sul.id);
      return (
        r?.plan_objectives === 'Rever as frações equivalentes' &&
        JSON.stringify(r.plan_activities) ===
          JSON.stringify([{ title: 'Jogo das frações', minutes: 20, notes: '' }])
      );
    });
  });

  test("a plan and a week's plans print to PDF with the print stylesheet (Chromium's PDF output)", async ({
    app,
  }) => {
    const { page } = app;
    await app.signIn();
    const s = await sessionRef(
      app,
      (await upcomingSession(app.server.database.db, app.ids.ana, app.ids.norte)).id,
    );
    await open(app, app, s);
    await field(app, 'Objectives').fill('Ler e **comparar** números decimais');
    await page.getByRole('button', { name: 'Add activity' }).click();
    await field(app, 'Activity 1').fill('Leitura em voz alta');
    await page.getByRole('spinbutton', { name: 'Minutes (activity 1)' }).fill('15');
    await field(app, 'Homework').fill('Exercícios 3 e 4 do manual');
    await field(app, 'Homework').blur();
    await app.settled();

    await page.getByRole('link', { name: 'Print or save as PDF' }).click();
    await page.getByRole('heading', { level: 1, name: `Lesson plan: ${s.title}` }).waitFor();
    await page.getByRole('button', { name: 'Save as PDF' }).click();
    // The harness leaves printing to the browser, and says so; the request names the file.
    await page.getByRole('status').filter({ hasText: "Use the browser's Print command" }).waitFor();
    expect(app.harness.platform.printedPdfs).toEqual([`Lesson plan: ${s.title}`]);

    const plan = await pdfText(await page.pdf({ format: 'A4' }));
    for (const text of [
      `Lesson plan: ${s.title}`,
      'Objectives',
      'Ler e comparar números decimais',
      'Leitura em voz alta',
      'Planned: 15 minutes of',
      'Homework',
      'Exercícios 3 e 4 do manual',
    ])
      expect(plan.text, text).toContain(text);
    // The print stylesheet leaves out the app around the document.
    for (const text of ['Save as PDF', 'Back to the session', 'Needs attention', 'Sync now', 'Dashboard'])
      expect(plan.text, text).not.toContain(text);

    await page.getByRole('link', { name: '← Back to the session' }).click();
    await page.getByRole('link', { name: "Print this week's plans" }).click();
    await page.getByRole('heading', { level: 1, name: /^Lesson plans, week of / }).waitFor();
    const { from, to } = weekOf(s.starts_at);
    const lessons = await lessonsBetween(app.server.database.db, app.ids.ana, from, to);
    expect(lessons.length).toBeGreaterThan(1);
    await page
      .locator('article.plan-doc')
      .nth(lessons.length - 1)
      .waitFor();
    expect(await page.locator('article.plan-doc').count()).toBe(lessons.length);
    const week = await pdfText(await page.pdf({ format: 'A4' }));
    for (const l of lessons) expect(week.text, l.title).toContain(l.title);
    expect(week.text).toContain('Ler e comparar números decimais');
    expect(week.text).toContain('Escola Sul');
  });
});

describe.skipIf(!HAS_CHROMIUM)('a plan on two devices', { timeout: 180_000 }, () => {
  test('written offline on one device, it reaches the other; different fields both survive; the same field lands in Needs attention', async ({
    app,
  }) => {
    await app.signIn();
    const other = await app.secondDevice();
    await other.signIn();
    const s = await upcomingSession(app.server.database.db, app.ids.ana, app.ids.norte);
    await open(app, app, s);
    await open(other, app, s);

    // Device A, offline (on a train): objectives and materials.
    await app.offline();
    await field(app, 'Objectives').fill('Escrito no comboio: perímetros');
    await field(app, 'Materials').fill('Régua e compasso');
    await field(app, 'Materials').blur();
    await app.page.getByRole('status').filter({ hasText: '2 edits waiting to sync' }).waitFor();

    // Device B, online meanwhile: the homework, and the materials too.
    await field(other, 'Homework').fill('Medir o perímetro da mesa');
    await field(other, 'Materials').fill('Fita métrica');
    await field(other, 'Materials').blur();
    await eventually(async () => {
      const r = await serverRow(app, app.ids.norte, 'session', s.id);
      return r?.plan_homework === 'Medir o perímetro da mesa' && r.plan_materials === 'Fita métrica';
    });
    expect((await serverRow(app, app.ids.norte, 'session', s.id))?.plan_objectives).toBe('');

    // A reconnects: its objectives land beside B's homework; its materials lost to B's.
    await app.online();
    const row = await eventually(async () => {
      const r = await serverRow(app, app.ids.norte, 'session', s.id);
      return r?.plan_objectives === 'Escrito no comboio: perímetros' ? r : null;
    });
    expect(row.plan_homework).toBe('Medir o perímetro da mesa');
    expect(row.plan_materials).toBe('Fita métrica');

    // B shows A's objectives; A shows B's homework and materials, and the conflict to look at.
    await expect.poll(() => field(other, 'Objectives').inputValue()).toBe('Escrito no comboio: perímetros');
    await expect.poll(() => field(app, 'Homework').inputValue()).toBe('Medir o perímetro da mesa');
    await expect.poll(() => field(app, 'Materials').inputValue()).toBe('Fita métrica');
    await app.page.getByRole('button', { name: 'Needs attention (1)' }).click();
    await app.page.getByRole('heading', { level: 1, name: 'Needs attention' }).waitFor();
    await app.page.getByText('Régua e compasso').first().waitFor();
    const attention = app.harness.controller.device().store.attention();
    expect(attention.map((a) => [a.type, a.code])).toEqual([['update_lesson_plan', 'conflict']]);
    expect(other.harness.controller.device().store.attention()).toEqual([]);
  });
});
