/**
 * The weekly timetable in Chromium against a real server (docs/ARCHITECTURE.md, "Running a
 * school", "Weekly timetable"): an administrator adds a weekly lesson for rui and a holiday
 * through the console; the server has the sessions (at the lesson's wall-clock time in the
 * school's zone) and the holiday's cancellation, and rui's app, open beside it, gets the
 * sessions, the cancellation and one notification.
 */
import { describe, expect } from 'vitest';
import { HAS_CHROMIUM, eventually, test } from './support/fixture.js';
import { deviceDb, goConsole, openConsole } from './support/console.js';

/** A date (YYYY-MM-DD) and time (HH:MM) an instant has in Lisbon, Escola Norte's zone. */
function lisbon(at: Date | string): { date: string; time: string } {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Lisbon',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(at))
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}
const plusDays = (ymd: string, n: number) =>
  new Date(Date.parse(`${ymd}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const isoWeekday = (ymd: string) => ((new Date(`${ymd}T12:00:00Z`).getUTCDay() + 6) % 7) + 1;

describe.skipIf(!HAS_CHROMIUM)('the weekly timetable in the console', { timeout: 300_000 }, () => {
  test("an administrator adds a weekly lesson and a holiday; rui's app shows the sessions and the cancellation", async ({
    app,
  }) => {
    const db = app.server.database.db;
    const { ids } = app;
    await app.signIn('rui@classdesk.test');
    const device = deviceDb(app);
    const page = await openConsole(app, { school: 'Escola Norte' });
    const course = await db
      .selectFrom('courses')
      .select(['id', 'name'])
      .where('school_id', '=', ids.norte)
      .orderBy('id')
      .executeTakeFirstOrThrow();

    // A lesson every week on tomorrow's weekday, for four weeks from today.
    const today = lisbon(new Date()).date;
    const tomorrow = plusDays(today, 1);
    await goConsole(page, 'Timetable');
    await page.getByLabel('Course', { exact: true }).selectOption({ value: String(course.id) });
    await page.getByLabel('Teacher', { exact: true }).selectOption({ value: String(ids.rui) });
    await page.getByLabel('Day', { exact: true }).selectOption({ value: String(isoWeekday(tomorrow)) });
    await page.getByLabel('Starts', { exact: true }).fill('10:00');
    await page.getByLabel('Ends', { exact: true }).fill('10:50');
    await page.getByLabel('Room', { exact: true }).fill('Sala 12');
    await page.getByLabel('Term starts').fill(today);
    await page.getByLabel('Term ends (inclusive)').fill(plusDays(today, 27));
    await page.getByRole('button', { name: 'Add to the timetable' }).click();
    await page.getByRole('status').filter({ hasText: '4 sessions scheduled' }).waitFor();

    const entry = await eventually(() =>
      db
        .selectFrom('timetable_entries')
        .select('id')
        .where('school_id', '=', ids.norte)
        .where('room', '=', 'Sala 12')
        .executeTakeFirst(),
    );
    const sessions = () =>
      db
        .selectFrom('class_sessions')
        .selectAll()
        .where('timetable_entry_id', '=', entry.id)
        .orderBy('starts_at')
        .execute();
    const generated = await sessions();
    expect(generated.map((s) => lisbon(s.starts_at))).toEqual(
      [0, 7, 14, 21].map((n) => ({ date: plusDays(tomorrow, n), time: '10:00' })),
    );
    for (const s of generated)
      expect(s).toMatchObject({
        teacher_id: ids.rui,
        course_id: course.id,
        title: course.name,
        location: 'Sala 12',
        status: 'scheduled',
      });
    await page.getByRole('cell', { name: 'Sala 12' }).waitFor();

    // rui's app has every one of them.
    await eventually(async () =>
      (
        await device
          .selectFrom('sessions')
          .select('id')
          .where(
            'id',
            'in',
            generated.map((s) => s.id),
          )
          .execute()
      ).length === generated.length
        ? true
        : undefined,
    );

    // A holiday on the second week's lesson day: that session is cancelled, rui told once.
    const holiday = plusDays(tomorrow, 7);
    await page.getByLabel('Date', { exact: true }).fill(holiday);
    await page.getByLabel('Name', { exact: true }).fill('Feriado municipal');
    await page.getByRole('button', { name: 'Close the school that day' }).click();
    await page.getByRole('status').filter({ hasText: '1 sessions cancelled, 1 teachers notified' }).waitFor();
    const closed = generated[1]!;
    expect(
      await db
        .selectFrom('school_holidays')
        .select(['date', 'name'])
        .where('school_id', '=', ids.norte)
        .execute(),
    ).toEqual([{ date: holiday, name: 'Feriado municipal' }]);
    expect((await sessions()).map((s) => s.status)).toEqual([
      'scheduled',
      'cancelled',
      'scheduled',
      'scheduled',
    ]);
    const notices = await db
      .selectFrom('notifications')
      .select(['user_id', 'params'])
      .where('type', '=', 'session_cancelled')
      .where('params', 'like', '%Feriado municipal%')
      .execute();
    expect(notices.map((n) => n.user_id)).toEqual([ids.rui]);
    await eventually(async () =>
      (await device.selectFrom('sessions').select('status').where('id', '=', closed.id).executeTakeFirst())
        ?.status === 'cancelled'
        ? true
        : undefined,
    );
    await eventually(() =>
      device
        .selectFrom('notifications')
        .select('id')
        .where('type', '=', 'session_cancelled')
        .where('params', 'like', '%Feriado municipal%')
        .executeTakeFirst(),
    );
    // The audit log has both writes.
    expect(
      (
        await db
          .selectFrom('admin_audit')
          .select('action')
          .where('school_id', '=', ids.norte)
          .where('action', 'in', ['timetable.create', 'holiday.add'])
          .orderBy('id')
          .execute()
      ).map((a) => a.action),
    ).toEqual(['timetable.create', 'holiday.add']);
  });
});
