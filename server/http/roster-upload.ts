/**
 * Reading a roster import's upload: CSV files as `file` parts (named by their file name) or one
 * zip holding them. The whole upload, and what a zip inflates to, is bounded by MAX_IMPORT_MB:
 * past it the answer is 413 naming the limit, checked from the zip's directory before anything
 * is inflated (a small zip cannot expand into gigabytes).
 */
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import { unzipSync } from 'fflate';
import { ImportUploadFields } from '../../src/shared/roster-api.js';
import { AppError, badRequest } from '../domain/errors.js';
import { parseInput } from './validation.js';

const tooLarge = (mb: number) =>
  new AppError(
    413,
    'too_large',
    `a roster import is at most ${mb} MB (MAX_IMPORT_MB), its files together and a zip once inflated`,
  );

function malformed(e: unknown, mb: number): unknown {
  if (e instanceof AppError) return e;
  if (!(e instanceof Error)) return e;
  const status = (e as { statusCode?: unknown }).statusCode;
  if (status === 413) return tooLarge(mb);
  if (typeof status === 'number') return e;
  return new AppError(
    400,
    'invalid_input',
    `the upload is not valid multipart/form-data (${e.message})`,
    'body',
  );
}

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

export async function readImportUpload(req: FastifyRequest, maxMb: number): Promise<Map<string, Uint8Array>> {
  const limit = maxMb * 1024 * 1024;
  const parts: Array<{ name: string; bytes: Buffer }> = [];
  const fields: Record<string, string> = {};
  let total = 0;
  try {
    for await (const part of req.parts({ limits: { fileSize: limit, files: 10, fields: 5 } })) {
      if (part.type !== 'file') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== 'file')
        throw badRequest(part.fieldname, 'unexpected file field: the files go in "file"');
      const bytes = await part.toBuffer();
      total += bytes.length;
      if (total > limit) throw tooLarge(maxMb);
      parts.push({ name: path.basename(part.filename || ''), bytes });
    }
  } catch (e) {
    throw malformed(e, maxMb);
  }
  // The form's text fields, whole, against the route's schema (none are expected).
  parseInput(ImportUploadFields, fields, 'body');
  const files = new Map<string, Uint8Array>();
  if (parts.length === 1 && isZip(parts[0]!.bytes)) {
    let inflated = 0;
    let unzipped: Record<string, Uint8Array>;
    try {
      unzipped = unzipSync(parts[0]!.bytes, {
        filter: (f) => {
          if (f.name.endsWith('/')) return false;
          inflated += f.originalSize;
          if (inflated > limit) throw tooLarge(maxMb);
          return true;
        },
      });
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw badRequest('file', `the zip cannot be read (${e instanceof Error ? e.message : String(e)})`);
    }
    for (const [name, bytes] of Object.entries(unzipped)) {
      if (bytes.length > limit) throw tooLarge(maxMb);
      files.set(path.posix.basename(name), bytes);
    }
    return files;
  }
  for (const p of parts) {
    if (files.has(p.name)) throw badRequest('file', `${p.name} was sent twice`);
    files.set(p.name, p.bytes);
  }
  return files;
}
