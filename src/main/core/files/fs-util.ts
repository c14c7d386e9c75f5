/** Small file helpers of the file cache: hashing, durable writes, tolerant removal. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';

const SHA256 = /^[0-9a-f]{64}$/;

/** Hashes come from the server; only a well-formed one ever becomes part of a path. */
export const isSha256 = (h: string): boolean => SHA256.test(h);

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The size of a file, or null when there is none. */
export async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return null;
  }
}

export async function removeFile(file: string): Promise<void> {
  await fsp.rm(file, { force: true });
}

/** Writes bytes (or a copy of a file) to `target`, hashing as it goes, and fsyncs it. */
export async function writeFileDurably(
  target: string,
  source: Uint8Array | { path: string },
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  const fh = await fsp.open(target, 'wx');
  try {
    if (source instanceof Uint8Array) {
      hash.update(source);
      size = source.length;
      await fh.writeFile(source);
    } else {
      for await (const chunk of fs.createReadStream(source.path)) {
        const b = chunk as Buffer;
        hash.update(b);
        size += b.length;
        await fh.write(b);
      }
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), size };
}
