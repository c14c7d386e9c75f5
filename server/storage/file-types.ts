/**
 * The type of an uploaded file is decided by its bytes (magic numbers), never by the name or
 * the Content-Type the client sent. Text has no magic number: a file with no binary signature
 * is accepted as text only if it is valid UTF-8 without NUL bytes, and only if its name does not
 * claim one of the binary types (a `report.pdf` that is not a PDF is broken or disguised).
 */
import { fileTypeFromBuffer } from 'file-type';

/** file_type → MIME type sent on download. */
export const ALLOWED: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  cfb: 'application/x-cfb',
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
};
export const ALLOWED_TYPES = new Set(Object.keys(ALLOWED));

export interface DetectedType {
  fileType: string;
  mimeType: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Name extensions of the accepted binary types: such a name over text bytes is refused. */
const BINARY_EXTENSIONS = new Set([
  ...Object.keys(ALLOWED).filter((t) => t !== 'txt' && t !== 'md' && t !== 'cfb'),
  ...['doc', 'xls', 'ppt', 'jpeg'],
]);

export async function detectFileType(bytes: Buffer, clientName: string): Promise<DetectedType | null> {
  const found = await fileTypeFromBuffer(bytes);
  if (found) {
    // Legacy .doc/.xls/.ppt are Compound File Binary containers.
    const ext: string = found.ext;
    return ALLOWED_TYPES.has(ext) && ext !== 'txt' && ext !== 'md'
      ? { fileType: ext, mimeType: ALLOWED[ext]! }
      : null;
  }
  if (bytes.length === 0 || bytes.includes(0)) return null;
  const claimed = /\.([^./\\]+)$/.exec(clientName)?.[1]?.toLowerCase();
  if (claimed && BINARY_EXTENSIONS.has(claimed)) return null;
  try {
    utf8.decode(bytes);
  } catch {
    return null;
  }
  const fileType = /\.(md|markdown)$/i.test(clientName) ? 'md' : 'txt';
  return { fileType, mimeType: ALLOWED[fileType]! };
}
