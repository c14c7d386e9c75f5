/**
 * A real SMTP server in the test process (smtp-server), whose accepted messages are read back
 * with mailparser. A message counts as delivered only once this server answered 250 to its DATA,
 * as SMTP defines it. It can go down and come back on the same port (an outage), refuse given
 * addresses for good (550), and hold every message after the first `n` unanswered (so a test can
 * stop a sender at a known point).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  to: string;
  parsed: ParsedMail;
}

export class SmtpSink {
  readonly accepted: Received[] = [];
  /** Addresses refused with 550 at RCPT TO (and how often each was tried). */
  readonly refuse = new Map<string, number>();
  private server: SMTPServer | undefined;
  private holdAfter: number | null = null;
  private held: Array<(err?: Error) => void> = [];
  private onHeld: (() => void) | undefined;
  port = 0;

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }
  /** The same server, with credentials in the URL (they must never be logged). */
  urlWithCredentials(user: string, password: string): string {
    return `smtp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = new SMTPServer({
      // Plain SMTP on loopback: no STARTTLS offered, any credentials taken.
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      onAuth: (_auth, _session, cb) => cb(null, { user: 'test' }),
      onRcptTo: (address, _session, cb) => {
        const to = address.address.toLowerCase();
        if (this.refuse.has(to)) {
          this.refuse.set(to, this.refuse.get(to)! + 1);
          const err = new Error('mailbox unavailable') as Error & { responseCode: number };
          err.responseCode = 550;
          cb(err);
          return;
        }
        cb();
      },
      onData: (stream, session, cb) => {
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase()).join(',');
        void simpleParser(stream).then(
          (parsed) => {
            const accept = (err?: Error) => {
              if (err) return cb(err);
              this.accepted.push({ to, parsed });
              cb();
            };
            if (this.holdAfter !== null && this.accepted.length >= this.holdAfter) {
              this.held.push(accept);
              this.onHeld?.();
              return;
            }
            accept();
          },
          (e: Error) => cb(e),
        );
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Goes down (connections cut, nothing listening) until `listen()` again. */
  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    // smtp-server waits for open connections on close: cut them.
    for (const c of (s as unknown as { connections: Set<{ close(): void }> }).connections) c.close();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** From now on, messages after the first `n` accepted are held without an answer. */
  holdAfterAccepted(n: number): void {
    this.holdAfter = n;
  }
  /** Resolves once at least one message is held. */
  async somethingHeld(): Promise<void> {
    if (this.held.length > 0) return;
    await new Promise<void>((resolve) => (this.onHeld = resolve));
  }
  /** Answers the held messages with a temporary failure (their sender is gone anyway) and stops holding. */
  releaseHeld(): void {
    this.holdAfter = null;
    const held = this.held;
    this.held = [];
    for (const h of held) h(Object.assign(new Error('try again later'), { responseCode: 451 }));
  }

  /** Accepted messages by recipient. */
  byRecipient(): Map<string, Received[]> {
    const m = new Map<string, Received[]>();
    for (const r of this.accepted) m.set(r.to, [...(m.get(r.to) ?? []), r]);
    return m;
  }
}
