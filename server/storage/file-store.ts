/**
 * Uploaded files on disk under generated names (never the client's name). Writes go to a
 * temporary file first and are renamed into place, so a crash never leaves half a file under
 * a name the database points to.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export interface StoredFile {
  storageName: string;
  sha256: string;
  size: number;
}

export class FileStore {
  constructor(readonly dir: string) {
    fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  }

  pathOf(storageName: string): string {
    if (!/^[0-9a-f-]{36}$/.test(storageName)) throw new Error('bad storage name');
    return path.join(this.dir, storageName.slice(0, 2), storageName);
  }

  async put(bytes: Buffer): Promise<StoredFile> {
    const storageName = randomUUID();
    const tmp = path.join(this.dir, 'tmp', storageName);
    await fsp.writeFile(tmp, bytes, { flag: 'wx' });
    const final = this.pathOf(storageName);
    await fsp.mkdir(path.dirname(final), { recursive: true });
    await fsp.rename(tmp, final);
    return { storageName, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  }

  async remove(storageName: string): Promise<void> {
    await fsp.rm(this.pathOf(storageName), { force: true });
  }

  /** A stored file's bytes (the virus scan reads it whole). */
  async read(storageName: string): Promise<Buffer> {
    return fsp.readFile(this.pathOf(storageName));
  }

  createReadStream(storageName: string, range?: { start: number; end: number }): fs.ReadStream {
    return fs.createReadStream(this.pathOf(storageName), range);
  }
}
