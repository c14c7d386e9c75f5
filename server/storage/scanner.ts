/**
 * Virus scanning of uploaded files behind one interface. The built-in scanner accepts a file
 * whose detected type is on the allowlist and whose size is within the limit; the ClamAV
 * scanner streams the bytes to clamd (INSTREAM). Any error or time-out answers `failed`:
 * a scanner that could not finish never marks a file clean.
 */
import net from 'node:net';
import { ALLOWED_TYPES } from './file-types.js';

export type ScanVerdict = 'clean' | 'infected' | 'failed';

export interface Scanner {
  readonly name: string;
  scan(bytes: Buffer, meta: { fileType: string; size: number }): Promise<ScanVerdict>;
}

export class BuiltinScanner implements Scanner {
  readonly name = 'builtin';
  constructor(private readonly maxBytes: number) {}
  async scan(bytes: Buffer, meta: { fileType: string; size: number }): Promise<ScanVerdict> {
    if (!ALLOWED_TYPES.has(meta.fileType)) return 'infected';
    if (bytes.length !== meta.size || meta.size > this.maxBytes) return 'failed';
    return 'clean';
  }
}

export class ClamdScanner implements Scanner {
  readonly name = 'clamd';
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  scan(bytes: Buffer): Promise<ScanVerdict> {
    return new Promise((resolve) => {
      let answer = '';
      let settled = false;
      const finish = (v: ScanVerdict) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        resolve(v);
      };
      const socket = net.createConnection({ host: this.host, port: this.port });
      socket.setTimeout(this.timeoutMs, () => finish('failed'));
      socket.on('error', () => finish('failed'));
      socket.on('data', (d) => (answer += d.toString('utf8')));
      socket.on('end', () => {
        // clamd answers "stream: OK" or "stream: <signature> FOUND".
        if (/:\s*OK\s*\0?$/.test(answer.trim())) finish('clean');
        else if (/FOUND\s*\0?$/.test(answer.trim())) finish('infected');
        else finish('failed');
      });
      socket.on('connect', () => {
        socket.write('zINSTREAM\0');
        for (let i = 0; i < bytes.length; i += 64 * 1024) {
          const chunk = bytes.subarray(i, i + 64 * 1024);
          const len = Buffer.alloc(4);
          len.writeUInt32BE(chunk.length);
          socket.write(len);
          socket.write(chunk);
        }
        socket.write(Buffer.alloc(4));
      });
    });
  }
}
