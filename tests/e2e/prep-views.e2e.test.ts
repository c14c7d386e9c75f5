/**
 * The teacher's views of the week ahead, in Chromium through the harness: the full-text search
 * (offline too, matches highlighted, a hit opening its session), the week timetable (each lesson
 * in its school's time zone and named with its school, keyboard navigation, Page Down to the next
 * week) and the dashboard's next-class card (the server's next lesson, its plan status).
 */
import { describe, expect } from 'vitest';
import { signedIn } from '../support/api-client.js';
import type { PushResponse } from '../../src/shared/protocol.js';
import { zoned, mondayOf } from '../../src/renderer/src/state/week-logic.js';
import { HAS_CHROMIUM, eventually, test } from './support/fixture.js';

describe.skipIf(!HAS_CHROMIUM)('week, search and next class', { timeout: 180_000 }, () => {
  test('search finds a plan written on the server, offline too, and opens its session', async ({ app }) => {
    const { page, server, ids } = app;
    const db = server.database.db;
    const s = await db
      .selectFrom('class_sessions')
      .select(['id', 'title', 'version'])
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.sul)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const pushed = await ana.post<PushResponse>('/api/sync/push', {
      client_id: 'e2e-web-client',
      mutations: [
        {
          id: 'plan-1',
          type: 'update_lesson_plan',
          args: { session_id: s.id, base_version: s.version, objectives: 'Explorar os hexaedros regulares' },
        },
      ],
    });
    expect(pushed.body.results[0]!.status).toBe('applied');

    await app.signIn();
    await app.offline();
    await app.go('Search');
    await page.getByLabel('Search plans, notes, homework, sessions, students and files').fill('hexaed');
    const results = page.getByRole('list', { name: 'Search results' });
    const hit = results.getByRole('listitem').filter({ hasText: s.title });
    await hit.waitFor();
    await expect.poll(() => hit.locator('mark').allInnerTexts()).toEqual(['hexaedros']);
    await expect.poll(() => page.getByText('1 result', { exact: true }).count()).toBe(1);
    await hit.getByRole('link', { name: s.title }).click();
    await page.getByRole('heading', { level: 1, name: s.title }).waitFor();

    // A word nowhere on the device.
    await app.go('Search');
    await page.getByLabel('Search plans, notes, homework, sessions, students and files').fill('zzyzx');
    await page.getByText('0 results').waitFor();
  });

  test('the week timetable places lessons in their school, moves by keyboard and by week', async ({
    app,
  }) => {
    const { page, server, ids } = app;
    const db = server.database.db;
    await app.signIn();
    const next = await db
      .selectFrom('class_sessions')
      .innerJoin('schools', 'schools.id', 'class_sessions.school_id')
      .select(['class_sessions.id', 'class_sessions.title', 'class_sessions.starts_at', 'schools.timezone'])
      .where('class_sessions.teacher_id', '=', ids.ana)
      .where('class_sessions.starts_at', '>', new Date().toISOString())
      .orderBy('class_sessions.starts_at')
      .executeTakeFirstOrThrow();
    const monday = mondayOf(zoned(next.starts_at, next.timezone).date);
    const week = await db
      .selectFrom('class_sessions')
      .innerJoin('schools', 'schools.id', 'class_sessions.school_id')
      .select(['class_sessions.id', 'class_sessions.starts_at', 'schools.timezone', 'schools.name'])
      .where('class_sessions.teacher_id', '=', ids.ana)
      .execute();
    const inWeek = week.filter((w) => mondayOf(zoned(w.starts_at, w.timezone).date) === monday);

    await app.go('Week');
    await page.goto(`${app.harness.url}#/week/${monday}`);
    const grid = page.getByRole('table');
    await expect.poll(() => grid.getByRole('link').count()).toBe(inWeek.length);
    const lesson = grid.locator(`a[href="#/sessions/${next.id}"]`);
    // ana teaches in two schools: every lesson names its school.
    const schoolName = inWeek.find((w) => w.id === next.id)!.name;
    await expect
      .poll(() => grid.getByRole('link').filter({ hasText: schoolName }).count())
      .toBeGreaterThan(0);
    await lesson.waitFor();

    // Keyboard: the arrow keys walk the lessons in time order.
    const links = grid.getByRole('link');
    await links.first().focus();
    await page.keyboard.press('ArrowRight');
    if (inWeek.length > 1)
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('href')))
        .toBe(await links.nth(1).getAttribute('href'));
    await page.keyboard.press('PageDown');
    await expect.poll(() => page.url()).toContain(`#/week/`);
    await expect.poll(() => page.url()).not.toContain(monday);

    await page.goto(`${app.harness.url}#/week/${monday}`);
    await lesson.click();
    await page.getByRole('heading', { level: 1, name: next.title }).waitFor();
  });

  test("the dashboard's next class is the server's next lesson, with its plan status", async ({ app }) => {
    const { page, server, ids } = app;
    const db = server.database.db;
    const now = new Date().toISOString();
    const next = await db
      .selectFrom('class_sessions')
      .select(['id', 'title', 'version', 'location'])
      .where('teacher_id', '=', ids.ana)
      .where('status', '=', 'scheduled')
      .where('ends_at', '>', now)
      .orderBy('starts_at')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await app.signIn();
    const card = page.getByRole('region', { name: 'Next class' });
    await card.waitFor();
    await expect.poll(() => card.innerText()).toContain(next.title);
    if (next.location) await expect.poll(() => card.innerText()).toContain(next.location);
    await expect.poll(() => card.innerText()).toContain('Empty');

    const ana = await signedIn(server.url, 'ana@classdesk.test');
    const pushed = await ana.post<PushResponse>('/api/sync/push', {
      client_id: 'e2e-web-client',
      mutations: [
        {
          id: 'ready-1',
          type: 'update_lesson_plan',
          args: { session_id: next.id, base_version: next.version, objectives: 'Rever', ready: true },
        },
      ],
    });
    expect(pushed.body.results[0]!.status).toBe('applied');
    await eventually(async () => (await card.innerText()).includes('Ready'));
  });
});
