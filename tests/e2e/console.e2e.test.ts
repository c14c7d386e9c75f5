/**
 * The admin console in Chromium against a real server (docs/ARCHITECTURE.md, "Admin console"):
 * an administrator signs in, schedules, edits and cancels a session, enrols and removes a
 * student, invites a new teacher (who accepts by link) and an existing one (who accepts when
 * signed in) — and a teacher's app, open beside it, gets each change live. Every effect is
 * checked on the server's database.
 */
import { describe, expect } from 'vitest';
import { HAS_CHROMIUM, eventually, test } from './support/fixture.js';
import { deviceDb, goConsole, openConsole, signInToConsole } from './support/console.js';

const pad = (n: number) => String(n).padStart(2, '0');
/** Tomorrow at `hour`:00 in this browser's zone, as a datetime-local value. */
function tomorrowAt(hour: number): string {
  const d = new Date(Date.now() + 86_400_000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(hour)}:00`;
}

describe.skipIf(!HAS_CHROMIUM)('admin console', { timeout: 300_000 }, () => {
  test("an administrator runs Escola Norte from the console; rui's app shows each change live", async ({
    app,
  }) => {
    const db = app.server.database.db;
    const { ids } = app;
    await app.signIn('rui@classdesk.test');
    const device = deviceDb(app);
    const page = await openConsole(app, { school: 'Escola Norte' });

    // Schedule a session for rui.
    await goConsole(page, 'Sessions');
    await page.getByLabel('Title').fill('Visita ao museu');
    await page
      .getByLabel('Teacher', { exact: true })
      .last()
      .selectOption({ value: String(ids.rui) });
    await page.getByLabel('Room').fill('Átrio');
    await page.getByLabel('Starts').fill(tomorrowAt(10));
    await page.getByLabel('Ends').fill(tomorrowAt(11));
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Visita ao museu scheduled.' }).waitFor();
    const session = await eventually(() =>
      db.selectFrom('class_sessions').selectAll().where('title', '=', 'Visita ao museu').executeTakeFirst(),
    );
    expect(session).toMatchObject({
      teacher_id: ids.rui,
      school_id: ids.norte,
      location: 'Átrio',
      status: 'scheduled',
    });
    await eventually(() =>
      device.selectFrom('sessions').select('id').where('id', '=', session.id).executeTakeFirst(),
    );

    // Edit it: another room.
    await page.getByRole('textbox', { name: 'Week of' }).fill(tomorrowAt(10).slice(0, 10));
    await page.getByRole('button', { name: /^Edit Visita ao museu/ }).click();
    await page.getByLabel('Room').fill('Sala 5');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Visita ao museu saved.' }).waitFor();
    await eventually(async () =>
      (
        await db
          .selectFrom('class_sessions')
          .select('location')
          .where('id', '=', session.id)
          .executeTakeFirst()
      )?.location === 'Sala 5'
        ? true
        : undefined,
    );
    await eventually(async () =>
      (await device.selectFrom('sessions').select('location').where('id', '=', session.id).executeTakeFirst())
        ?.location === 'Sala 5'
        ? true
        : undefined,
    );

    // Enrol a student in it: rui is told, live.
    const student = await db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select(['users.id', 'users.name'])
      .where('memberships.school_id', '=', ids.norte)
      .where('memberships.role', '=', 'student')
      .where('memberships.active', '=', 1)
      .orderBy('users.name')
      .executeTakeFirstOrThrow();
    await goConsole(page, 'Students');
    await page.getByLabel('Student', { exact: true }).selectOption({ value: String(student.id) });
    await page.getByLabel('Session', { exact: true }).selectOption({ value: String(session.id) });
    await page.getByRole('button', { name: 'Enrol', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `${student.name} enrolled in Visita ao museu` })
      .waitFor();
    const enrolled = () =>
      db
        .selectFrom('enrolments')
        .select('id')
        .where('session_id', '=', session.id)
        .where('student_id', '=', student.id)
        .executeTakeFirst();
    expect(await eventually(enrolled)).toBeTruthy();
    await eventually(() =>
      device
        .selectFrom('notifications')
        .select('id')
        .where('type', '=', 'new_student')
        .where('params', 'like', '%Visita ao museu%')
        .executeTakeFirst(),
    );
    await eventually(() =>
      device.selectFrom('enrolments').select('id').where('session_id', '=', session.id).executeTakeFirst(),
    );

    // Remove the student again.
    const row = page.getByRole('row').filter({ hasText: student.name }).first();
    await row.getByText(/\d+ sessions?/).click();
    await row
      .getByRole('button', { name: new RegExp(`^Remove ${student.name} from Visita ao museu`) })
      .click();
    await page
      .getByRole('status')
      .filter({ hasText: `${student.name} removed from Visita ao museu` })
      .waitFor();
    expect(await enrolled()).toBeUndefined();
    await eventually(
      async () =>
        (await device.selectFrom('enrolments').select('id').where('session_id', '=', session.id).execute())
          .length === 0,
    );

    // Cancel it (filtered by teacher): rui is told, live.
    await goConsole(page, 'Sessions');
    await page
      .getByLabel('Teacher', { exact: true })
      .first()
      .selectOption({ value: String(ids.rui) });
    await page.getByRole('textbox', { name: 'Week of' }).fill(tomorrowAt(10).slice(0, 10));
    await page.getByRole('button', { name: /^Cancel Visita ao museu/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel the session' }).click();
    await page.getByRole('status').filter({ hasText: 'Visita ao museu was cancelled' }).waitFor();
    await eventually(async () =>
      (await db.selectFrom('class_sessions').select('status').where('id', '=', session.id).executeTakeFirst())
        ?.status === 'cancelled'
        ? true
        : undefined,
    );
    await eventually(async () =>
      (await device.selectFrom('sessions').select('status').where('id', '=', session.id).executeTakeFirst())
        ?.status === 'cancelled'
        ? true
        : undefined,
    );
    await eventually(() =>
      device
        .selectFrom('notifications')
        .select('id')
        .where('type', '=', 'session_cancelled')
        .where('params', 'like', '%Visita ao museu%')
        .executeTakeFirst(),
    );

    // Invite someone new: the console shows the link; its page sets a name and password.
    await goConsole(page, 'Teachers');
    await page.getByLabel('Email of the person to invite').fill('marta@classdesk.test');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const link = await page.getByLabel('Invitation link').inputValue();
    expect(link).toMatch(/\/admin\/#\/invitation\/[A-Za-z0-9_-]{43}$/);
    expect(
      await db.selectFrom('users').select('id').where('email', '=', 'marta@classdesk.test').execute(),
    ).toEqual([]);
    const invitee = await app.context.newPage();
    await invitee.goto(link);
    await invitee.getByRole('heading', { name: 'Join Escola Norte' }).waitFor();
    await invitee.getByLabel('Your name (new accounts only)').fill('Marta Sousa');
    await invitee.getByLabel('Password').fill('uma-senha-comprida');
    await invitee.getByRole('button', { name: 'Accept the invitation' }).click();
    await invitee.getByText('You are now teacher at Escola Norte.').waitFor();
    const marta = await db
      .selectFrom('users')
      .innerJoin('memberships', 'memberships.user_id', 'users.id')
      .select(['users.name', 'memberships.role', 'memberships.active', 'memberships.school_id'])
      .where('users.email', '=', 'marta@classdesk.test')
      .executeTakeFirstOrThrow();
    expect(marta).toEqual({ name: 'Marta Sousa', role: 'teacher', active: 1, school_id: ids.norte });
    await invitee.close();

    // Invite rui to Escola Sul: his app tells him, live; he accepts in the console and Sul arrives.
    await page.getByLabel('School').selectOption({ label: 'Escola Sul' });
    await page.getByLabel('Email of the person to invite').fill('rui@classdesk.test');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByLabel('Invitation link').waitFor();
    await eventually(() =>
      device
        .selectFrom('notifications')
        .select('id')
        .where('params', 'like', '%"invitation_school":"Escola Sul"%')
        .executeTakeFirst(),
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInToConsole(page, 'rui@classdesk.test');
    await page.getByRole('button', { name: 'Accept the invitation to Escola Sul' }).click();
    await page.getByRole('status').filter({ hasText: 'You joined Escola Sul.' }).waitFor();
    await eventually(() =>
      db
        .selectFrom('memberships')
        .select('id')
        .where('user_id', '=', ids.rui)
        .where('school_id', '=', ids.sul)
        .where('role', '=', 'teacher')
        .where('active', '=', 1)
        .executeTakeFirst(),
    );
    await expect
      .poll(() => app.page.getByLabel('School').locator('option').allTextContents(), { timeout: 20_000 })
      .toContain('Escola Sul');
  });
});
