/** OneRoster 1.2 CSV exports for tests and benchmarks, and ways to send them. */
import { zipSync, strToU8 } from 'fflate';
import type { ApiResponse, TestApi } from './api-client.js';

export interface ExportShape {
  teachers: number;
  students: number;
  classes: number;
  /** Classes each student is enrolled in (round robin). */
  classesPerStudent: number;
  /** Prefix of sourcedIds and emails, so several exports do not collide. */
  tag?: string;
  /** users.csv rows to change after generation (by sourcedId). */
  users?: Record<string, Partial<Record<string, string>>>;
}

const csv = (rows: string[][]) =>
  rows
    .map((r) => r.map((v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','))
    .join('\r\n') + '\r\n';

export function oneRosterExport(shape: ExportShape): Record<string, string> {
  const tag = shape.tag ?? 'x';
  const manifest = [
    ['propertyName', 'value'],
    ['manifest.version', '1.0'],
    ['oneroster.version', '1.2'],
    ['file.academicSessions', 'bulk'],
    ['file.classes', 'bulk'],
    ['file.courses', 'bulk'],
    ['file.enrollments', 'bulk'],
    ['file.orgs', 'bulk'],
    ['file.users', 'bulk'],
    ['source.systemName', 'Test SIS'],
  ];
  const orgs = [
    ['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier', 'parentSourcedId'],
    [`org-${tag}`, 'active', '', 'Escola', 'school', '', ''],
  ];
  const terms = [
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'title',
      'type',
      'startDate',
      'endDate',
      'parentSourcedId',
      'schoolYear',
    ],
    [`term-${tag}`, 'active', '', '1.º período', 'term', '2030-09-15', '2030-12-17', '', '2031'],
  ];
  const courses = [
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'schoolYearSourcedId',
      'title',
      'courseCode',
      'grades',
      'orgSourcedId',
      'subjects',
      'subjectCodes',
    ],
    [`course-${tag}`, 'active', '', '', 'Matemática 7', 'MAT7', '07', `org-${tag}`, '', ''],
  ];
  const classes = [
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'title',
      'grades',
      'courseSourcedId',
      'classCode',
      'classType',
      'location',
      'schoolSourcedId',
      'termSourcedIds',
      'subjects',
      'subjectCodes',
      'periods',
    ],
  ];
  for (let c = 0; c < shape.classes; c++)
    classes.push([
      `class-${tag}-${c}`,
      'active',
      '',
      `Matemática 7.º ${c}`,
      '07',
      `course-${tag}`,
      `MAT7-${c}`,
      'scheduled',
      `Sala ${c}`,
      `org-${tag}`,
      `term-${tag}`,
      '',
      '',
      '',
    ]);
  const header = [
    'sourcedId',
    'status',
    'dateLastModified',
    'enabledUser',
    'username',
    'userIds',
    'givenName',
    'familyName',
    'middleName',
    'role',
    'identifier',
    'email',
    'sms',
    'phone',
    'agentSourcedIds',
    'grades',
    'password',
  ];
  const users = [header];
  const user = (sid: string, given: string, family: string, role: string, email: string) => {
    const row: Record<string, string> = {
      sourcedId: sid,
      status: 'active',
      enabledUser: 'true',
      username: sid,
      givenName: given,
      familyName: family,
      role,
      email,
    };
    Object.assign(row, shape.users?.[sid] ?? {});
    users.push(header.map((h) => row[h] ?? ''));
  };
  for (let t = 0; t < shape.teachers; t++)
    user(`t-${tag}-${t}`, 'Professora', `${t}`, 'teacher', `prof-${tag}-${t}@escola.test`);
  for (let s = 0; s < shape.students; s++)
    user(`s-${tag}-${s}`, 'Aluno', `${s}`, 'student', s % 2 === 0 ? `aluno-${tag}-${s}@escola.test` : '');
  const enrollments = [
    [
      'sourcedId',
      'status',
      'dateLastModified',
      'classSourcedId',
      'schoolSourcedId',
      'userSourcedId',
      'role',
      'primary',
      'beginDate',
      'endDate',
    ],
  ];
  for (let c = 0; c < shape.classes; c++)
    enrollments.push([
      `e-${tag}-t-${c}`,
      'active',
      '',
      `class-${tag}-${c}`,
      `org-${tag}`,
      `t-${tag}-${c % Math.max(1, shape.teachers)}`,
      'teacher',
      'true',
      '',
      '',
    ]);
  for (let s = 0; s < shape.students; s++)
    for (let k = 0; k < shape.classesPerStudent; k++) {
      const c = (s * shape.classesPerStudent + k) % shape.classes;
      enrollments.push([
        `e-${tag}-${s}-${k}`,
        'active',
        '',
        `class-${tag}-${c}`,
        `org-${tag}`,
        `s-${tag}-${s}`,
        'student',
        'false',
        '',
        '',
      ]);
    }
  return {
    'manifest.csv': csv(manifest),
    'orgs.csv': csv(orgs),
    'academicSessions.csv': csv(terms),
    'courses.csv': csv(courses),
    'classes.csv': csv(classes),
    'users.csv': csv(users),
    'enrollments.csv': csv(enrollments),
  };
}

export type ExportFiles = Record<string, string | Uint8Array>;

export function exportForm(files: ExportFiles, zip = false): FormData {
  const f = new FormData();
  const bytes = (v: string | Uint8Array) =>
    (typeof v === 'string' ? strToU8(v) : v) as Uint8Array<ArrayBuffer>;
  if (zip) {
    const z = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, bytes(v)])));
    f.append('file', new Blob([z]), 'oneroster.zip');
  } else for (const [name, v] of Object.entries(files)) f.append('file', new Blob([bytes(v)]), name);
  return f;
}

export function sendImport(
  api: TestApi,
  schoolId: number,
  files: ExportFiles,
  opts: { dryRun?: boolean; zip?: boolean } = {},
): Promise<ApiResponse> {
  return api.request('POST', `/api/admin/schools/${schoolId}/imports`, {
    raw: exportForm(files, opts.zip),
    query: { dry_run: opts.dryRun ? 'true' : undefined },
  });
}
