/**
 * OneRoster 1.2 CSV import (docs/ARCHITECTURE.md, "Running a school"): a dry run answers what
 * would change and changes nothing; an import applies all of it or nothing; the same files again
 * change nothing; `tobedeleted` deactivates; malformed files, other encodings, a formula in a
 * name, an upload over the limit and a zip bomb are refused with clear errors, nothing applied.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { zipSync } from 'fflate';
import { spreadsheetCell } from '../../src/shared/spreadsheet.js';
import { dialectsHere, startTestServer, type TestServer } from '../support/server-fixture.js';
import { signedIn, type TestApi } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { snapshotDb } from '../support/db-snapshot.js';
import { exportForm, oneRosterExport, sendImport } from '../support/oneroster.js';

interface Report {
  dry_run: boolean;
  applied: boolean;
  users: Record<string, number>;
  courses: Record<string, number>;
  enrolments: Record<string, number>;
  errors: Array<{ file: string; line: number | null; column: string | null; message: string }>;
  error_count: number;
}

describe.each(dialectsHere())('OneRoster import on %s', (dialect) => {
  let server: TestServer;
  let ids: DemoIds;
  let admin: TestApi;

  beforeAll(async () => {
    server = await startTestServer(dialect, { MAX_IMPORT_MB: '2' });
    ids = await demoIds(server.database.db);
    admin = await signedIn(server.url, 'admin@classdesk.test');
  });
  afterAll(() => server?.stop());
  const db = () => server.database.db;
  const snapshot = () => snapshotDb(db());

  test('dry run, import, the same import again: created, then unchanged; nothing changes on the dry run or the repeat', async () => {
    const files = oneRosterExport({ teachers: 3, students: 40, classes: 6, classesPerStudent: 2, tag: 'a' });
    const before = await snapshot();
    const dry = await sendImport(admin, ids.norte, files, { dryRun: true });
    expect(dry.status, dry.text).toBe(200);
    const planned = dry.body as Report;
    expect(planned).toMatchObject({
      dry_run: true,
      applied: false,
      users: { created: 43, updated: 0, deactivated: 0, unchanged: 0, skipped: 0 },
      courses: { created: 6 },
      enrolments: { created: 86 },
      error_count: 0,
    });
    expect(await snapshot()).toEqual(before);

    const applied = await sendImport(admin, ids.norte, files);
    expect(applied.status, applied.text).toBe(200);
    expect(applied.body).toMatchObject({ ...planned, dry_run: false, applied: true });
    const teacher = await db()
      .selectFrom('users')
      .innerJoin('memberships', 'memberships.user_id', 'users.id')
      .select(['users.id', 'users.name', 'memberships.role', 'memberships.active'])
      .where('users.email', '=', 'prof-a-0@escola.test')
      .where('memberships.school_id', '=', ids.norte)
      .executeTakeFirstOrThrow();
    expect(teacher).toMatchObject({ name: 'Professora 0', role: 'teacher', active: 1 });
    const courses = await db()
      .selectFrom('courses')
      .select(['id', 'name', 'code'])
      .where('code', 'like', 'MAT7-%')
      .where('school_id', '=', ids.norte)
      .execute();
    expect(courses).toHaveLength(6);
    const members = await db()
      .selectFrom('course_members')
      .select(['role'])
      .where('school_id', '=', ids.norte)
      .execute();
    expect(members.filter((m) => m.role === 'student')).toHaveLength(80);
    expect(members.filter((m) => m.role === 'teacher')).toHaveLength(6);
    const auditRows = await db()
      .selectFrom('admin_audit')
      .selectAll()
      .where('action', '=', 'roster_import')
      .execute();
    expect(auditRows).toHaveLength(1);
    expect(auditRows[0]).toMatchObject({ school_id: ids.norte, actor_id: ids.admin });

    // The school's teachers get the new courses through the change log.
    const rui = await signedIn(server.url, 'rui@classdesk.test');
    const pull = await rui.get<{ changes: Array<{ entity: string; row?: { id: number } }> }>(
      '/api/sync/pull',
      { school_id: ids.norte, limit: 5000 },
    );
    const pulled = new Set(pull.body.changes.filter((c) => c.entity === 'course').map((c) => c.row?.id));
    for (const c of courses) expect(pulled.has(c.id)).toBe(true);

    const after = await snapshot();
    const again = await sendImport(admin, ids.norte, files, { zip: true });
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({
      applied: false,
      users: { created: 0, updated: 0, deactivated: 0, unchanged: 43 },
      courses: { created: 0, unchanged: 6 },
      enrolments: { created: 0, unchanged: 86 },
    });
    expect(await snapshot()).toEqual(after);
  });

  test('a user marked tobedeleted is deactivated, never deleted; a renamed one is updated', async () => {
    const shape = { teachers: 1, students: 4, classes: 1, classesPerStudent: 1, tag: 'b' };
    expect((await sendImport(admin, ids.norte, oneRosterExport(shape))).status).toBe(200);
    const changed = oneRosterExport({
      ...shape,
      users: { 's-b-1': { status: 'tobedeleted' }, 's-b-2': { givenName: 'Maria' } },
    });
    const res = await sendImport(admin, ids.norte, changed);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      users: { created: 0, updated: 1, deactivated: 1, unchanged: 3 },
      enrolments: { deactivated: 1, unchanged: 4 },
    });
    const gone = await db()
      .selectFrom('sourced_ids')
      .innerJoin('memberships', 'memberships.user_id', 'sourced_ids.local_id')
      .select(['memberships.active'])
      .where('sourced_ids.sourced_id', '=', 's-b-1')
      .where('memberships.school_id', '=', ids.norte)
      .executeTakeFirstOrThrow();
    expect(gone.active).toBe(0);
    const renamed = await db()
      .selectFrom('sourced_ids')
      .innerJoin('users', 'users.id', 'sourced_ids.local_id')
      .select('users.name')
      .where('sourced_ids.sourced_id', '=', 's-b-2')
      .executeTakeFirstOrThrow();
    expect(renamed.name).toBe('Maria 2');
  });

  test('a formula in a name is stored as text, and neutralised when written to a spreadsheet', async () => {
    const formula = '=HYPERLINK("http://evil.test","click")';
    const files = oneRosterExport({
      teachers: 1,
      students: 1,
      classes: 1,
      classesPerStudent: 1,
      tag: 'c',
      users: { 's-c-0': { givenName: formula } },
    });
    expect((await sendImport(admin, ids.norte, files)).status).toBe(200);
    const u = await db()
      .selectFrom('users')
      .select('name')
      .where('email', '=', 'aluno-c-0@escola.test')
      .executeTakeFirstOrThrow();
    expect(u.name).toBe(`${formula} 0`);
    expect(spreadsheetCell(u.name)).toBe(`"'=HYPERLINK(""http://evil.test"",""click"") 0"`);
  });

  test('row errors: the dry run lists them by file, line and column; the import answers 422 and applies nothing', async () => {
    const files = oneRosterExport({
      teachers: 1,
      students: 3,
      classes: 1,
      classesPerStudent: 1,
      tag: 'd',
      users: { 's-d-1': { email: 'not-an-email' }, 't-d-0': { status: 'gone' } },
    });
    files['enrollments.csv'] += 'e-d-x,active,,class-nope,org-d,s-d-0,student,false,,\r\n';
    const before = await snapshot();
    const dry = await sendImport(admin, ids.norte, files, { dryRun: true });
    expect(dry.status).toBe(200);
    const report = dry.body as Report;
    expect(report.errors).toEqual(
      expect.arrayContaining([
        { file: 'users.csv', line: 4, column: 'email', message: '"not-an-email" is not an email address' },
        {
          file: 'users.csv',
          line: 2,
          column: 'status',
          message: '"gone" is not a status: active or tobedeleted',
        },
        {
          file: 'enrollments.csv',
          line: 6,
          column: 'classSourcedId',
          message: 'no class "class-nope" in classes.csv',
        },
      ]),
    );
    const res = await sendImport(admin, ids.norte, files);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      error: { code: 'invalid_import' },
      report: { applied: false, error_count: report.error_count },
    });
    expect(await snapshot()).toEqual(before);
  });

  test('malformed CSV, another encoding, missing files and columns: clear errors, nothing applied', async () => {
    const good = oneRosterExport({ teachers: 1, students: 2, classes: 1, classesPerStudent: 1, tag: 'e' });
    const before = await snapshot();
    const cases: Array<[string, Record<string, string | Uint8Array>, Partial<Report['errors'][number]>]> = [
      [
        'an unclosed quote',
        { ...good, 'users.csv': good['users.csv']!.replace('Aluno', '"Aluno') },
        { file: 'users.csv', message: expect.stringContaining('not valid CSV') as string },
      ],
      [
        'a row with too many fields',
        {
          ...good,
          'classes.csv': `${good['classes.csv']}x,y\r\n`.replace('x,y', 'a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p'),
        },
        { file: 'classes.csv', message: expect.stringContaining('not valid CSV') as string },
      ],
      [
        'Latin-1 bytes',
        { ...good, 'users.csv': Buffer.from(good['users.csv']!.replace('Aluno', 'João'), 'latin1') },
        { file: 'users.csv', line: 3, message: expect.stringContaining('not UTF-8') as string },
      ],
      [
        'UTF-16',
        {
          ...good,
          'users.csv': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good['users.csv']!, 'utf16le')]),
        },
        { file: 'users.csv', message: 'the file is UTF-16: export it again as UTF-8' },
      ],
      [
        'no users.csv',
        Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'users.csv')),
        { file: 'users.csv' },
      ],
      [
        'no manifest',
        Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'manifest.csv')),
        { file: 'manifest.csv', message: 'manifest.csv is required' },
      ],
      [
        'a missing column',
        { ...good, 'enrollments.csv': good['enrollments.csv']!.replace('userSourcedId', 'user') },
        { file: 'enrollments.csv', line: 1, column: 'userSourcedId' },
      ],
      ['a stranger file', { ...good, 'notes.txt': 'hello' }, { file: 'notes.txt' }],
      [
        'a NUL in a name',
        { ...good, 'users.csv': good['users.csv']!.replace('Aluno', 'Al\u0000uno') },
        { file: 'users.csv', column: 'givenName' },
      ],
    ];
    for (const [what, files, expected] of cases) {
      const res = await sendImport(admin, ids.norte, files);
      expect({ what, status: res.status }).toEqual({ what, status: 422 });
      expect((res.body as { report: Report }).report.errors, what).toEqual(
        expect.arrayContaining([expect.objectContaining(expected)]),
      );
    }
    expect(await snapshot()).toEqual(before);
  });

  test('an upload over MAX_IMPORT_MB and a zip that inflates past it answer 413 saying the limit', async () => {
    const before = await snapshot();
    const big = oneRosterExport({ teachers: 1, students: 1, classes: 1, classesPerStudent: 1, tag: 'f' });
    big['users.csv'] += `${'x'.repeat(80)}\r\n`.repeat(30_000);
    const res = await sendImport(admin, ids.norte, big);
    expect(res.status).toBe(413);
    expect((res.body as { error: { message: string } }).error.message).toContain('at most 2 MB');
    const bomb = zipSync({ 'users.csv': new Uint8Array(5 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    const f = new FormData();
    f.append('file', new Blob([bomb]), 'roster.zip');
    const res2 = await admin.request('POST', `/api/admin/schools/${ids.norte}/imports`, { raw: f });
    expect(res2.status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  test('only an administrator of the school imports', async () => {
    const rui = await signedIn(server.url, 'rui@classdesk.test');
    const files = oneRosterExport({ teachers: 1, students: 1, classes: 1, classesPerStudent: 1, tag: 'g' });
    expect((await sendImport(rui, ids.norte, files, { dryRun: true })).status).toBe(403);
    expect(exportForm(files).getAll('file')).toHaveLength(7);
  });
});
