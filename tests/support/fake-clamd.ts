/**
 * A tiny clamd on 127.0.0.1 speaking INSTREAM: it reads `zINSTREAM\0`, then 4-byte big-endian
 * length-prefixed chunks up to a zero length, and answers as `mode` says. It keeps what it
 * received so tests can check the scanner's side of the protocol.
 */
import net from 'node:net';

export type ClamdMode =
  /** "stream: OK" */
  | 'clean'
  /** "stream: Eicar-Test-Signature FOUND" */
  | 'infected'
  /** reads everything and never answers */
  | 'silent'
  /** closes the connection without an answer */
  | 'close'
  /** answers something that is neither OK nor FOUND */
  | 'error';

export interface ClamdSession {
  command: string;
  bytes: Buffer;
  chunks: number;
}

export class FakeClamd {
  mode: ClamdMode = 'clean';
  /** How long it takes to answer (a scan that takes a while). */
  delayMs = 0;
  readonly sessions: ClamdSession[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(): Promise<FakeClamd> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeClamd(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (socket) => fake.handle(socket));
    return fake;
  }

  private handle(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let command: string | undefined;
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (command === undefined) {
        const end = buf.indexOf(0);
        if (end < 0) return;
        command = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 1);
      }
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0);
        if (len === 0) {
          this.sessions.push({ command, bytes: Buffer.concat(chunks), chunks: chunks.length });
          buf = buf.subarray(4);
          const mode = this.mode;
          if (this.delayMs > 0) setTimeout(() => this.answer(socket, mode), this.delayMs);
          else this.answer(socket, mode);
          return;
        }
        if (buf.length < 4 + len) return;
        chunks.push(buf.subarray(4, 4 + len));
        buf = buf.subarray(4 + len);
      }
    });
  }

  private answer(socket: net.Socket, mode: ClamdMode): void {
    if (socket.destroyed) return;
    switch (mode) {
      case 'clean':
        socket.end('stream: OK\0');
        break;
      case 'infected':
        socket.end('stream: Eicar-Test-Signature FOUND\0');
        break;
      case 'error':
        socket.end('INSTREAM size limit exceeded. ERROR\0');
        break;
      case 'close':
        socket.end();
        break;
      case 'silent':
        break;
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
