/**
 * Reading a OneRoster 1.2 CSV export (docs/ARCHITECTURE.md, "Running a school"): every file is
 * decoded as strict UTF-8 and parsed by csv-parse (quoted fields, embedded newlines and commas
 * are its business, never a split on lines), its header checked, and every record turned into a
 * typed row or a row-level error naming the file, the line, the column and what is wrong.
 * Nothing here touches the database.
 */
import { parse, CsvError } from 'csv-parse/sync';
import { textProblem } from '../../src/shared/text.js';

export interface RowError {
  file: string;
  /** The line of the file the record ends on (1 is the header); null for the file as a whole. */
  line: number | null;
  column: string | null;
  message: string;
}

export const ROSTER_FILES = [
  'manifest.csv',
  'orgs.csv',
  'academicSessions.csv',
  'courses.csv',
  'classes.csv',
  'users.csv',
  'roles.csv',
  'enrollments.csv',
] as const;
export type RosterFileName = (typeof ROSTER_FILES)[number];

type Status = 'active' | 'tobedeleted';
export interface OrgRow {
  sourcedId: string;
  type: string;
  line: number;
}
export interface TermRow {
  sourcedId: string;
  line: number;
}
export interface CourseRow {
  sourcedId: string;
  title: string;
  courseCode: string;
  line: number;
}
export interface ClassRow {
  sourcedId: string;
  status: Status;
  title: string;
  classCode: string;
  courseSourcedId: string;
  line: number;
}
export interface UserRow {
  sourcedId: string;
  status: Status;
  enabled: boolean;
  name: string;
  email: string;
  /** From users.csv (OneRoster 1.1's `role`) or roles.csv (1.2); else from the enrolments. */
  role: string | null;
  line: number;
}
export interface EnrollmentRow {
  sourcedId: string;
  status: Status;
  classSourcedId: string;
  userSourcedId: string;
  role: string;
  line: number;
}

export interface Roster {
  orgs: OrgRow[];
  terms: TermRow[];
  courses: CourseRow[];
  classes: ClassRow[];
  users: UserRow[];
  enrollments: EnrollmentRow[];
  errors: RowError[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The file's text, or why it cannot be read as UTF-8. */
function decode(file: string, bytes: Uint8Array): string | RowError {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return { file, line: null, column: null, message: 'the file is UTF-16: export it again as UTF-8' };
  try {
    return utf8.decode(bytes);
  } catch {
    let i = 0;
    // Find the first byte that breaks UTF-8, to say where.
    for (let end = 1; end <= bytes.length; end++) {
      try {
        utf8.decode(bytes.subarray(0, end));
        i = end;
      } catch {
        if (end - i > 4) break;
      }
    }
    const line = bytes.subarray(0, i).reduce((n, b) => n + (b === 0x0a ? 1 : 0), 1);
    return {
      file,
      line,
      column: null,
      message: `the file is not UTF-8 (byte 0x${(bytes[i] ?? 0).toString(16).padStart(2, '0')} at offset ${i}, perhaps Windows-1252 or Latin-1): export it again as UTF-8`,
    };
  }
}

interface Parsed {
  rows: Array<{ record: Record<string, string>; line: number }>;
  columns: string[];
}

function parseCsv(file: string, bytes: Uint8Array, required: string[], errors: RowError[]): Parsed | null {
  const text = decode(file, bytes);
  if (typeof text !== 'string') {
    errors.push(text);
    return null;
  }
  type Info = { record: Record<string, string>; info: { lines: number } };
  let out: Info[];
  try {
    out = parse<Info>(text, {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim()),
      info: true,
      skip_empty_lines: true,
    });
  } catch (e) {
    const line = e instanceof CsvError ? ((e as CsvError & { lines?: number }).lines ?? null) : null;
    const message = e instanceof Error ? e.message.replace(/^[A-Za-z ]+: /, '') : String(e);
    errors.push({ file, line, column: null, message: `not valid CSV: ${message}` });
    return null;
  }
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const columns = out[0] ? Object.keys(out[0].record) : firstLine.split(',').map((c) => c.trim());
  const missing = required.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    errors.push({ file, line: 1, column: missing[0]!, message: `missing column(s): ${missing.join(', ')}` });
    return null;
  }
  return { rows: out.map((r) => ({ record: r.record, line: r.info.lines })), columns };
}

/** Checks of one record, each adding an error that names the column. */
class RowReader {
  ok = true;
  constructor(
    private readonly file: string,
    private readonly record: Record<string, string>,
    readonly line: number,
    private readonly errors: RowError[],
  ) {}
  fail(column: string | null, message: string): void {
    this.ok = false;
    this.errors.push({ file: this.file, line: this.line, column, message });
  }
  text(column: string, opts: { required?: boolean; max?: number } = {}): string {
    const v = (this.record[column] ?? '').trim();
    if (opts.required && v === '') this.fail(column, 'required');
    else if (v.length > (opts.max ?? 255)) this.fail(column, `longer than ${opts.max ?? 255} characters`);
    else if (textProblem(v)) this.fail(column, textProblem(v)!);
    return v;
  }
  status(): Status {
    const v = this.text('status').toLowerCase();
    if (v === '' || v === 'active') return 'active';
    if (v === 'tobedeleted') return 'tobedeleted';
    this.fail('status', `"${v}" is not a status: active or tobedeleted`);
    return 'active';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Reads the files of an export; `files` maps a file name to its bytes. */
export function readRoster(files: Map<string, Uint8Array>): Roster {
  const errors: RowError[] = [];
  const roster: Roster = {
    orgs: [],
    terms: [],
    courses: [],
    classes: [],
    users: [],
    enrollments: [],
    errors,
  };
  for (const name of files.keys())
    if (!(ROSTER_FILES as readonly string[]).includes(name))
      errors.push({
        file: name,
        line: null,
        column: null,
        message: `not a OneRoster file: expected ${ROSTER_FILES.join(', ')}`,
      });

  const manifestBytes = files.get('manifest.csv');
  if (!manifestBytes) {
    errors.push({ file: 'manifest.csv', line: null, column: null, message: 'manifest.csv is required' });
    return roster;
  }
  const manifest = parseCsv('manifest.csv', manifestBytes, ['propertyName', 'value'], errors);
  if (!manifest) return roster;
  const props = new Map(
    manifest.rows.map((r) => [
      r.record.propertyName!.trim(),
      { v: (r.record.value ?? '').trim(), line: r.line },
    ]),
  );
  const version = props.get('oneroster.version');
  if (!version || !/^1\.[12]$/.test(version.v))
    errors.push({
      file: 'manifest.csv',
      line: version?.line ?? null,
      column: 'value',
      message: `oneroster.version must be 1.2 (or 1.1), not "${version?.v ?? ''}"`,
    });
  const declared = (file: string) => {
    const p = props.get(`file.${file.replace(/\.csv$/, '')}`);
    return p?.v.toLowerCase() ?? 'absent';
  };
  const read = (file: RosterFileName, required: string[]): Parsed | null => {
    const mode = declared(file);
    const bytes = files.get(file);
    if (mode !== 'bulk' && mode !== 'delta') {
      if (bytes && mode !== 'absent')
        errors.push({
          file: 'manifest.csv',
          line: props.get(`file.${file.replace(/\.csv$/, '')}`)?.line ?? null,
          column: 'value',
          message: `file.${file.replace(/\.csv$/, '')} must be bulk, delta or absent`,
        });
      return bytes ? parseCsv(file, bytes, required, errors) : null;
    }
    if (!bytes) {
      errors.push({
        file,
        line: null,
        column: null,
        message: `the manifest lists ${file} (${mode}) but it was not sent`,
      });
      return null;
    }
    return parseCsv(file, bytes, required, errors);
  };
  for (const need of ['users.csv', 'classes.csv', 'enrollments.csv'] as const)
    if (!files.has(need))
      errors.push({ file: need, line: null, column: null, message: `${need} is required` });

  const orgs = read('orgs.csv', ['sourcedId', 'type']);
  for (const { record, line } of orgs?.rows ?? []) {
    const r = new RowReader('orgs.csv', record, line, errors);
    const row = { sourcedId: r.text('sourcedId', { required: true }), type: r.text('type'), line };
    if (r.ok) roster.orgs.push(row);
  }
  const terms = read('academicSessions.csv', ['sourcedId', 'startDate', 'endDate']);
  for (const { record, line } of terms?.rows ?? []) {
    const r = new RowReader('academicSessions.csv', record, line, errors);
    const sourcedId = r.text('sourcedId', { required: true });
    for (const c of ['startDate', 'endDate']) {
      const d = r.text(c);
      if (d !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(d)) r.fail(c, `"${d}" is not a date (YYYY-MM-DD)`);
    }
    if (r.ok) roster.terms.push({ sourcedId, line });
  }
  const courses = read('courses.csv', ['sourcedId', 'title']);
  for (const { record, line } of courses?.rows ?? []) {
    const r = new RowReader('courses.csv', record, line, errors);
    const row = {
      sourcedId: r.text('sourcedId', { required: true }),
      title: r.text('title', { required: true, max: 200 }),
      courseCode: r.text('courseCode', { max: 40 }),
      line,
    };
    if (r.ok) roster.courses.push(row);
  }
  const classes = read('classes.csv', ['sourcedId', 'title', 'courseSourcedId']);
  for (const { record, line } of classes?.rows ?? []) {
    const r = new RowReader('classes.csv', record, line, errors);
    const row = {
      sourcedId: r.text('sourcedId', { required: true }),
      status: r.status(),
      title: r.text('title', { required: true, max: 200 }),
      classCode: r.text('classCode', { max: 40 }),
      courseSourcedId: r.text('courseSourcedId', { required: true }),
      line,
    };
    if (r.ok) roster.classes.push(row);
  }
  const users = read('users.csv', ['sourcedId', 'givenName', 'familyName']);
  for (const { record, line } of users?.rows ?? []) {
    const r = new RowReader('users.csv', record, line, errors);
    const given =
      r.text('preferredGivenName', { max: 100 }) || r.text('givenName', { required: true, max: 100 });
    const family = r.text('preferredFamilyName', { max: 100 }) || r.text('familyName', { max: 100 });
    const email = r.text('email', { max: 254 }).toLowerCase();
    if (email !== '' && !EMAIL.test(email)) r.fail('email', `"${email}" is not an email address`);
    const enabled = r.text('enabledUser').toLowerCase();
    if (enabled !== '' && enabled !== 'true' && enabled !== 'false')
      r.fail('enabledUser', 'must be true or false');
    const row = {
      sourcedId: r.text('sourcedId', { required: true }),
      status: r.status(),
      enabled: enabled !== 'false',
      name: `${given} ${family}`.trim(),
      email,
      role: r.text('role').toLowerCase() || null,
      line,
    };
    if (r.ok) roster.users.push(row);
  }
  const roles = read('roles.csv', ['userSourcedId', 'role']);
  if (roles) {
    const primary = new Map<string, string>();
    for (const { record, line } of roles.rows) {
      const r = new RowReader('roles.csv', record, line, errors);
      const user = r.text('userSourcedId', { required: true });
      const role = r.text('role', { required: true }).toLowerCase();
      if (r.ok && (!primary.has(user) || r.text('roleType').toLowerCase() === 'primary'))
        primary.set(user, role);
    }
    for (const u of roster.users) u.role ??= primary.get(u.sourcedId) ?? null;
  }
  const enrollments = read('enrollments.csv', ['sourcedId', 'classSourcedId', 'userSourcedId', 'role']);
  for (const { record, line } of enrollments?.rows ?? []) {
    const r = new RowReader('enrollments.csv', record, line, errors);
    const row = {
      sourcedId: r.text('sourcedId', { required: true }),
      status: r.status(),
      classSourcedId: r.text('classSourcedId', { required: true }),
      userSourcedId: r.text('userSourcedId', { required: true }),
      role: r.text('role', { required: true }).toLowerCase(),
      line,
    };
    if (r.ok) roster.enrollments.push(row);
  }
  checkReferences(roster);
  return roster;
}

function unique<T extends { sourcedId: string; line: number }>(
  file: string,
  rows: T[],
  errors: RowError[],
): Map<string, T> {
  const m = new Map<string, T>();
  for (const r of rows) {
    const seen = m.get(r.sourcedId);
    if (seen)
      errors.push({
        file,
        line: r.line,
        column: 'sourcedId',
        message: `"${r.sourcedId}" is also on line ${seen.line}`,
      });
    else m.set(r.sourcedId, r);
  }
  return m;
}

/** sourcedIds unique per file; every reference names a row of the export. */
function checkReferences(r: Roster): void {
  const e = r.errors;
  unique('orgs.csv', r.orgs, e);
  unique('academicSessions.csv', r.terms, e);
  const courses = unique('courses.csv', r.courses, e);
  const classes = unique('classes.csv', r.classes, e);
  const users = unique('users.csv', r.users, e);
  unique('enrollments.csv', r.enrollments, e);
  const emails = new Map<string, number>();
  for (const u of r.users) {
    if (u.email === '') continue;
    const seen = emails.get(u.email);
    if (seen !== undefined)
      e.push({
        file: 'users.csv',
        line: u.line,
        column: 'email',
        message: `${u.email} is also on line ${seen}`,
      });
    else emails.set(u.email, u.line);
  }
  for (const c of r.classes)
    if (!courses.has(c.courseSourcedId))
      e.push({
        file: 'classes.csv',
        line: c.line,
        column: 'courseSourcedId',
        message: `no course "${c.courseSourcedId}" in courses.csv`,
      });
  for (const x of r.enrollments) {
    if (!classes.has(x.classSourcedId))
      e.push({
        file: 'enrollments.csv',
        line: x.line,
        column: 'classSourcedId',
        message: `no class "${x.classSourcedId}" in classes.csv`,
      });
    if (!users.has(x.userSourcedId))
      e.push({
        file: 'enrollments.csv',
        line: x.line,
        column: 'userSourcedId',
        message: `no user "${x.userSourcedId}" in users.csv`,
      });
  }
}
