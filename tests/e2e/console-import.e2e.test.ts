/**
 * The console's roster import in Chromium against a real server (docs/ARCHITECTURE.md, "Admin
 * console" and "Running a school"): an administrator chooses the files of a OneRoster 1.2 CSV
 * export, checks them (a dry run: the counts show, nothing changes in the database), imports
 * them (the people, courses and enrolments are in the database, the import is in the audit log,
 * rui's app gets the new courses live), and a name a spreadsheet would run as a formula comes out
 * of the Students export as text. A row error shows its file, line and column and keeps Import
 * disabled; an upload over the limit and an unreadable zip say why; an import refused because the
 * school changed after the check shows its rows in error. Effects are checked on the server's
 * database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect } from 'vitest';
import { HAS_CHROMIUM, eventually, test, type App } from './support/fixture.js';
import { deviceDb, goConsole, openConsole } from './support/console.js';
import { oneRosterExport, type ExportFiles } from '../support/oneroster.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-e2e-roster-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes an export's files into a folder of their own and answers their paths (for the file input). */
function onDisk(folder: string, files: ExportFiles): string[] {
  const dir = path.join(tmp, folder);
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(files).map(([name, body]) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, body);
    return p;
  });
}

/** Rows the import would add to, counted. */
async function rowCounts(app: App) {
  const db = app.server.database.db;
  const norte = app.ids.norte;
  const count = async (rows: Promise<unknown[]>) => (await rows).length;
  return {
    users: await count(db.selectFrom('users').select('id').execute()),
    memberships: await count(
      db.selectFrom('memberships').select('user_id').where('school_id', '=', norte).execute(),
    ),
    courses: await count(db.selectFrom('courses').select('id').where('school_id', '=', norte).execute()),
    courseMembers: await count(
      db.selectFrom('course_members').select('role').where('school_id', '=', norte).execute(),
    ),
    sourcedIds: await count(db.selectFrom('sourced_ids').selectAll().execute()),
    audit: await count(db.selectFrom('admin_audit').select('id').execute()),
  };
}

const filesInput = (page: Page) => page.getByLabel('Export files (the CSV files, or one zip)');
const importButton = (page: Page) => page.getByRole('button', { name: 'Import', exact: true });
/** The counts of one kind of record, in the table's order: created, updated, deactivated, unchanged, skipped. */
const countsOf = (page: Page, kind: string) =>
  page.getByRole('row').filter({ hasText: kind }).getByRole('cell').allInnerTexts();

describe.skipIf(!HAS_CHROMIUM)('admin console: roster import', { timeout: 300_000 }, () => {
  test("an administrator checks and imports a OneRoster export; the server has it and rui's app gets the courses live", async ({
    app,
  }) => {
    const db = app.server.database.db;
    const { ids } = app;
    await app.signIn('rui@classdesk.test');
    const device = deviceDb(app);
    const formula = '=HYPERLINK("http://evil.test","Clique")';
    const files = oneRosterExport({
      teachers: 2,
      students: 6,
      classes: 2,
      classesPerStudent: 1,
      tag: 'ui',
      users: { 's-ui-0': { givenName: formula } },
    });
    const page = await openConsole(app, { school: 'Escola Norte' });
    await goConsole(page, 'Roster import');
    await page.getByRole('heading', { name: 'Import a roster (OneRoster CSV)', level: 1 }).waitFor();
    expect(await importButton(page).isDisabled()).toBe(true);

    // Check: the counts show; the database is as it was.
    const before = await rowCounts(app);
    await filesInput(page).setInputFiles(onDisk('good', files));
    await page.getByText('7 files chosen: manifest.csv, orgs.csv').waitFor();
    expect(await importButton(page).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByRole('heading', { name: 'What the import would do' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Checked: no errors.' }).waitFor();
    await page.getByText('No errors: these files can be imported.').waitFor();
    expect(await countsOf(page, 'People (teachers and students)')).toEqual(['8', '0', '0', '0', '0']);
    expect(await countsOf(page, 'Courses (OneRoster classes)')).toEqual(['2', '0', '0', '0', '0']);
    expect(await countsOf(page, 'Enrolments')).toEqual(['8', '0', '0', '0', '0']);
    // Focus moved to the answer.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('What the import would do');
    expect(await rowCounts(app)).toEqual(before);

    // Import: the rows are in the database and the import is in the audit log.
    expect(await importButton(page).isDisabled()).toBe(false);
    await importButton(page).click();
    await page.getByRole('heading', { name: 'What was imported' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Imported.' }).waitFor();
    expect(await importButton(page).isDisabled()).toBe(true);
    expect(await countsOf(page, 'People (teachers and students)')).toEqual(['8', '0', '0', '0', '0']);
    const after = await rowCounts(app);
    expect(after).toEqual({
      users: before.users + 8,
      memberships: before.memberships + 8,
      courses: before.courses + 2,
      courseMembers: before.courseMembers + 8,
      sourcedIds: before.sourcedIds + 8 + 2 + 8,
      audit: before.audit + 1,
    });
    const people = await db
      .selectFrom('users')
      .innerJoin('memberships', 'memberships.user_id', 'users.id')
      .select(['users.email', 'users.name', 'memberships.role', 'memberships.active'])
      .where('memberships.school_id', '=', ids.norte)
      .where('users.email', 'in', [
        'prof-ui-0@escola.test',
        'prof-ui-1@escola.test',
        'aluno-ui-0@escola.test',
      ])
      .orderBy('users.email')
      .execute();
    expect(people).toEqual([
      { email: 'aluno-ui-0@escola.test', name: `${formula} 0`, role: 'student', active: 1 },
      { email: 'prof-ui-0@escola.test', name: 'Professora 0', role: 'teacher', active: 1 },
      { email: 'prof-ui-1@escola.test', name: 'Professora 1', role: 'teacher', active: 1 },
    ]);
    const courses = await db
      .selectFrom('courses')
      .select(['id', 'name', 'code'])
      .where('school_id', '=', ids.norte)
      .where('code', 'like', 'MAT7-%')
      .orderBy('code')
      .execute();
    expect(courses.map((c) => [c.name, c.code])).toEqual([
      ['Matemática 7.º 0', 'MAT7-0'],
      ['Matemática 7.º 1', 'MAT7-1'],
    ]);
    const members = await db
      .selectFrom('course_members')
      .select(['course_id', 'role'])
      .where(
        'course_id',
        'in',
        courses.map((c) => c.id),
      )
      .execute();
    expect(members.filter((m) => m.role === 'teacher')).toHaveLength(2);
    expect(members.filter((m) => m.role === 'student')).toHaveLength(6);
    const entry = await db
      .selectFrom('admin_audit')
      .select(['actor_id', 'school_id'])
      .where('action', '=', 'roster_import')
      .executeTakeFirstOrThrow();
    expect(entry).toEqual({ actor_id: ids.admin, school_id: ids.norte });

    // A teacher of the school gets the new courses in the app, live.
    await eventually(async () => {
      const got = await device
        .selectFrom('courses')
        .select('code')
        .where('code', 'like', 'MAT7-%')
        .orderBy('code')
        .execute();
      return got.length === 2 ? got : undefined;
    });

    // The audit log shows the import.
    await page.getByRole('link', { name: 'Open the audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'roster_import' }).waitFor();

    // The same export again, as one zip: a check finds nothing to change; Import stays disabled.
    await goConsole(page, 'Roster import');
    const zip = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)])));
    await filesInput(page).setInputFiles(onDisk('zip', { 'oneroster.zip': zip }));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByText('Nothing to change: the school already matches these files.').waitFor();
    expect(await countsOf(page, 'People (teachers and students)')).toEqual(['0', '0', '0', '8', '0']);
    expect(await importButton(page).isDisabled()).toBe(true);

    // The imported formula-like name leaves the Students export as text.
    await goConsole(page, 'Students');
    await page.getByRole('cell', { name: `${formula} 0` }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.test"",""Clique"") 0"`);
    expect(csv.split('\r\n').some((line) => line.startsWith('='))).toBe(false);
  });

  test('a row error shows its file, line and column and keeps Import disabled; too large and unreadable uploads say why; an import refused after a clean check shows its rows; nothing changes', async ({
    app,
  }) => {
    const page = await openConsole(app, { school: 'Escola Norte' });
    await goConsole(page, 'Roster import');
    const before = await rowCounts(app);

    // A row error: shown by file, line and column; Import stays disabled.
    const shape = { teachers: 1, students: 3, classes: 1, classesPerStudent: 1, tag: 'bad' };
    const bad = oneRosterExport({ ...shape, users: { 's-bad-1': { email: 'not-an-email' } } });
    await filesInput(page).setInputFiles(onDisk('bad', bad));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByRole('heading', { name: 'Rows with errors' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Checked: 2 errors.' }).waitFor();
    await page.getByText('2 errors: correct them in the export and check again.').waitFor();
    const errorRows = page.getByRole('table', { name: 'Rows with errors' }).getByRole('row');
    expect(await errorRows.nth(1).getByRole('cell').allInnerTexts()).toEqual([
      'users.csv',
      '4',
      'email',
      '"not-an-email" is not an email address',
    ]);
    expect(await errorRows.nth(2).getByRole('cell').allInnerTexts()).toEqual([
      'enrollments.csv',
      '4',
      'userSourcedId',
      'no user "s-bad-1" in users.csv',
    ]);
    expect(await importButton(page).isDisabled()).toBe(true);
    await page.getByText('Import is possible once a check of these files finds no errors.').waitFor();

    // Corrected files: Import waits for their own check.
    await filesInput(page).setInputFiles(onDisk('fixed', oneRosterExport(shape)));
    expect(await page.getByRole('heading', { name: 'Rows with errors' }).count()).toBe(0);
    expect(await importButton(page).isDisabled()).toBe(true);

    // A zip that unpacks past the server's limit (MAX_IMPORT_MB, 50 by default): 413, the limit said.
    const bomb = zipSync({ 'users.csv': new Uint8Array(51 * 1024 * 1024) }, { level: 9 });
    await filesInput(page).setInputFiles(onDisk('bomb', { 'roster.zip': bomb }));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The files are too large: an import is at most 50 MB' })
      .waitFor();
    expect(await importButton(page).isDisabled()).toBe(true);

    // A 51 MB users.csv: 413 as well, the limit said.
    const big = Buffer.alloc(51 * 1024 * 1024, 'a');
    await filesInput(page).setInputFiles(onDisk('big', { 'users.csv': big }));
    // Choosing files clears the last answer.
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The files are too large: an import is at most 50 MB' })
      .waitFor();

    // A zip that cannot be read: 400, said so.
    const broken = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new Array<number>(60).fill(7)]);
    await filesInput(page).setInputFiles(onDisk('broken', { 'roster.zip': broken }));
    // Choosing files clears the last answer.
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The upload could not be read: the zip cannot be read' })
      .waitFor();
    expect(await importButton(page).isDisabled()).toBe(true);

    expect(await rowCounts(app)).toEqual(before);

    // Checked clean, but the school changes before Import: one of its teachers is added as a
    // student meanwhile. The import answers 422 with the row in error and applies nothing.
    const race = oneRosterExport({ teachers: 1, students: 2, classes: 1, classesPerStudent: 1, tag: 'race' });
    await filesInput(page).setInputFiles(onDisk('race', race));
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Checked: no errors.' }).waitFor();
    const added = await app.admin.post(`/api/admin/schools/${app.ids.norte}/memberships`, {
      email: 'prof-race-0@escola.test',
      name: 'Professora Race',
      role: 'student',
    });
    expect(added.status, added.text).toBeLessThan(300);
    const meanwhile = await rowCounts(app);
    await importButton(page).click();
    await page.getByRole('heading', { name: 'Nothing was imported' }).waitFor();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Nothing was imported: 1 row has an error now' })
      .waitFor();
    const raceRow = page.getByRole('table', { name: 'Rows with errors' }).getByRole('row').nth(1);
    expect(await raceRow.getByRole('cell').allInnerTexts()).toEqual([
      'users.csv',
      '2',
      'role',
      'prof-race-0@escola.test is a student of this school, not a teacher: change the membership in the console',
    ]);
    expect(await importButton(page).isDisabled()).toBe(true);
    expect(await rowCounts(app)).toEqual(meanwhile);
  });
});
