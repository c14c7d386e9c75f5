import { z } from 'zod';
import { ResourceParams, ResourceResponse, ResourceUploadFields } from '../../../src/shared/api.js';
import { AppError, badRequest } from '../../domain/errors.js';
import { resourceForDownload, uploadResource } from '../../domain/resources.js';
import { parseInput } from '../validation.js';
import { route, type ResponseHeader } from '../route-table.js';

/**
 * `bytes=a-b` → inclusive range within `size`; null (the whole file) for no header, another
 * range unit (which RFC 9110 §14.2 says to ignore) or several ranges; 'unsatisfiable' otherwise.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const spec = header.trim();
  if (!/^bytes=/i.test(spec) || spec.includes(',')) return null;
  const m = /^bytes=(\d*)-(\d*)$/i.exec(spec);
  if (!m || (m[1] === '' && m[2] === '')) return 'unsatisfiable';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/**
 * What reading a multipart body threw, as the client's fault: our own errors and the plugin's
 * (limits: 413) pass through; the parser's plain errors (no or wrong boundary, a body cut short)
 * become a 400. Nothing has been stored at this point: the file is only written after parsing.
 */
function malformedUpload(e: unknown): unknown {
  if (e instanceof AppError) return e;
  if (!(e instanceof Error)) return e;
  const status = (e as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number') return e;
  const noBoundary = /boundary not found/i.test(e.message);
  return new AppError(
    400,
    'invalid_input',
    noBoundary
      ? 'the upload is not valid multipart/form-data: its Content-Type has no boundary'
      : `the upload is not valid multipart/form-data (${e.message}): send the whole form, with the boundary its Content-Type names`,
    noBoundary ? 'content-type' : 'body',
  );
}

const safeFileName = (title: string, ext: string): string =>
  `${
    title
      .normalize('NFKD')
      .replace(/[^\w .-]+/g, '')
      .trim()
      .slice(0, 80) || 'resource'
  }.${ext === 'cfb' ? 'bin' : ext}`;

/** What a download's answer carries, whole or in part (a resumed download compares the ETag). */
const FILE_HEADERS: Record<string, ResponseHeader> = {
  ETag: {
    description: 'The version of the file (its SHA-256), for If-Range',
    schema: z.string().regex(/^"[^"]+"$/),
  },
  'Accept-Ranges': { description: 'Ranges of bytes may be asked for', schema: z.literal('bytes') },
  'Content-Disposition': {
    description: 'Saved as a file, named after the title',
    schema: z.string().regex(/^attachment; filename="[^"]*"$/),
  },
};

export const resourceRoutes = [
  route({
    method: 'POST',
    url: '/api/resources',
    summary:
      'Upload a teaching resource (multipart: school_id, title, description, course_ids, file); course_ids attach it to courses of the school',
    tag: 'resources',
    auth: 'user',
    school: 'multipart',
    multipart: ResourceUploadFields,
    response: ResourceResponse,
    successStatus: 201,
    async handler({ req, user, dom, services }) {
      if (!req.isMultipart())
        throw new AppError(415, 'unsupported_media_type', 'send the upload as multipart/form-data');
      const fields: Record<string, string> = {};
      let file: { name: string; bytes: Buffer } | undefined;
      try {
        for await (const part of req.parts({
          limits: { fileSize: services.config.MAX_UPLOAD_MB * 1024 * 1024, files: 1, fields: 10 },
        })) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file')
              throw badRequest(part.fieldname, 'unexpected file field: the file goes in "file"');
            file = { name: part.filename, bytes: await part.toBuffer() };
          } else {
            fields[part.fieldname] = String(part.value);
          }
        }
      } catch (e) {
        throw malformedUpload(e);
      }
      const parsed = parseInput(ResourceUploadFields, fields, 'body');
      if (!file) throw badRequest('file', 'a file is required');
      const row = await uploadResource(dom, services.files, user!.id, {
        schoolId: parsed.school_id,
        title: parsed.title,
        description: parsed.description,
        courseIds: parsed.course_ids ?? [],
        fileName: file.name,
        bytes: file.bytes,
        address: req.ip,
      });
      // The scan job committed with the row; the worker takes it now (its verdict reaches
      // devices as a synced change).
      services.scans.kick();
      return row;
    },
  }),
  route({
    method: 'GET',
    url: '/api/resources/:id/content',
    otherResponses: {
      206: 'Part of the file (a satisfiable Range)',
      409: 'not_scanned: the virus scan is pending, failed, or found the file infected',
      416: 'range_not_satisfiable: the Range lies outside the file',
    },
    responseHeaders: {
      200: FILE_HEADERS,
      206: {
        ...FILE_HEADERS,
        'Content-Range': {
          description: 'The part sent: `bytes start-end/size`',
          schema: z.string().regex(/^bytes \d+-\d+\/\d+$/),
        },
      },
      416: {
        'Content-Range': {
          description: "The file's size: `bytes */size`",
          schema: z.string().regex(/^bytes \*\/\d+$/),
        },
      },
    },
    summary: 'Download the file of a resource (HTTP Range supported for resumable downloads)',
    tag: 'resources',
    auth: 'user',
    school: 'none',
    entityParam: 'id',
    params: ResourceParams,
    headers: z.object({
      Range: z
        .string()
        .optional()
        .describe('`bytes=start-end` or `bytes=-suffix`: one range (206), or outside the file (416)'),
      'If-Range': z
        .string()
        .optional()
        .describe(
          'The ETag of the version a resumed download started with; another version answers the whole file',
        ),
    }),
    raw: true,
    async handler({ req, reply, user, params, dom, services }) {
      const r = await resourceForDownload(dom.db, user!.id, params.id);
      // A range applies only to the version the client started with (If-Range carries its ETag).
      const ifRange = req.headers['if-range'];
      const range = ifRange && ifRange !== `"${r.sha256}"` ? null : parseRange(req.headers.range, r.size);
      reply
        .header('Content-Type', r.mime_type)
        .header('Content-Disposition', `attachment; filename="${safeFileName(r.title, r.file_type)}"`)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Accept-Ranges', 'bytes')
        .header('ETag', `"${r.sha256}"`)
        .header('Cache-Control', 'private, no-store');
      if (range === 'unsatisfiable') {
        throw new AppError(
          416,
          'range_not_satisfiable',
          'the requested range is outside the file',
          undefined,
          {
            'Content-Range': `bytes */${r.size}`,
          },
        );
      }
      if (range) {
        return reply
          .code(206)
          .header('Content-Range', `bytes ${range.start}-${range.end}/${r.size}`)
          .header('Content-Length', range.end - range.start + 1)
          .send(services.files.createReadStream(r.storage_name, range));
      }
      return reply.header('Content-Length', r.size).send(services.files.createReadStream(r.storage_name));
    },
  }),
];
