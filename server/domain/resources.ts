/** Teaching resources: upload (typed by magic bytes, stored under a generated name, scanned) and lookup for download. */
import type { Kysely } from 'kysely';
import type { ResourceRow } from '../../src/shared/entities.js';
import type { DB } from '../db/schema.js';
import type { FileStore } from '../storage/file-store.js';
import { detectFileType } from '../storage/file-types.js';
import { requireTeacherSchool } from './auth.js';
import { queueScan } from './scan-jobs.js';
import { write, type DomainContext } from './context.js';
import { AppError, badRequest, notFound } from './errors.js';
import { VIEW } from './scope.js';

export interface Upload {
  schoolId: number;
  title: string;
  description: string;
  /** Courses of the school the file is attached to (in the teacher's view, else 400). */
  courseIds: readonly number[];
  fileName: string;
  bytes: Buffer;
  address: string;
}

export async function uploadResource(
  ctx: DomainContext,
  files: FileStore,
  userId: number,
  up: Upload,
): Promise<ResourceRow> {
  await requireTeacherSchool(ctx.db, userId, up.schoolId);
  await requireCourses(ctx.db, userId, up.schoolId, up.courseIds);
  const type = await detectFileType(up.bytes, up.fileName);
  if (!type) {
    throw new AppError(
      415,
      'unsupported_type',
      'this kind of file is not accepted: use PDF, an office document, an image, or plain text/markdown',
      'file',
    );
  }
  const stored = await files.put(up.bytes);
  try {
    const id = await write(ctx, async (w) => {
      const r = await w.trx
        .insertInto('resources')
        .values({
          school_id: up.schoolId,
          teacher_id: userId,
          title: up.title,
          description: up.description,
          file_type: type.fileType,
          mime_type: type.mimeType,
          size: stored.size,
          sha256: stored.sha256,
          storage_name: stored.storageName,
          shared_with_students: 0,
          scan_status: 'pending',
          uploader_address: up.address,
          field_versions: '{}',
          version: w.version,
          created_at: w.now,
          updated_at: w.now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (up.courseIds.length)
        await w.trx
          .insertInto('resource_courses')
          .values(up.courseIds.map((course_id) => ({ resource_id: r.id, course_id })))
          .execute();
      w.touch({ school_id: up.schoolId, teacher_id: userId, entity: 'resource', row_id: r.id });
      await queueScan(w, r.id);
      return r.id;
    });
    const [row] = await VIEW.resource.rows(
      ctx.db,
      { teacherId: userId, schoolId: up.schoolId },
      { ids: [id] },
    );
    return row!;
  } catch (e) {
    await files.remove(stored.storageName);
    throw e;
  }
}

/**
 * Refuses (400, field `course_ids`) a course that is not in the teacher's view of the school;
 * another school's course and one that does not exist get the same answer.
 */
async function requireCourses(
  db: Kysely<DB>,
  userId: number,
  schoolId: number,
  courseIds: readonly number[],
): Promise<void> {
  if (courseIds.length === 0) return;
  const seen = await VIEW.course.rows(db, { teacherId: userId, schoolId }, { ids: [...courseIds] });
  const found = new Set(seen.map((c) => c.id));
  const missing = courseIds.find((id) => !found.has(id));
  if (missing !== undefined)
    throw badRequest('course_ids', `course ${missing} is not a course of this school`);
}

/**
 * Why a file cannot be downloaded, per scan status. `failed` is final (docs/ARCHITECTURE.md,
 * "Scans": the scanner failed on every attempt), so it does not say "yet".
 */
const NOT_SCANNED: Record<Exclude<ResourceRow['scan_status'], 'clean'>, string> = {
  pending: 'this file cannot be downloaded yet: its virus scan has not finished',
  infected: 'this file cannot be downloaded: its virus scan found it infected',
  failed:
    'this file cannot be downloaded: its virus scan could not be completed (the scanner failed on every attempt); upload it again',
};

/** The stored file of a resource in the caller's view, or 404 as if it did not exist. */
export async function resourceForDownload(db: Kysely<DB>, userId: number, resourceId: number) {
  const r = await db
    .selectFrom('resources')
    .innerJoin('memberships', (j) =>
      j
        .onRef('memberships.school_id', '=', 'resources.school_id')
        .onRef('memberships.user_id', '=', 'resources.teacher_id'),
    )
    .select([
      'resources.id',
      'resources.title',
      'resources.file_type',
      'resources.mime_type',
      'resources.size',
      'resources.sha256',
      'resources.storage_name',
      'resources.scan_status',
    ])
    .where('resources.id', '=', resourceId)
    .where('resources.teacher_id', '=', userId)
    .where('memberships.role', '=', 'teacher')
    .where('memberships.active', '=', 1)
    .executeTakeFirst();
  if (!r) throw notFound('resource');
  if (r.scan_status !== 'clean') throw new AppError(409, 'not_scanned', NOT_SCANNED[r.scan_status]);
  return r;
}
