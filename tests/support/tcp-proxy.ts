/**
 * A TCP proxy on 127.0.0.1 in front of a test server, for network-fault tests. It forwards
 * bytes both ways and can, on command or when a request crosses it:
 * - cut: close the connections (FIN), as when a route disappears mid-transfer;
 * - reset: send an RST (`resetAndDestroy`), as when a middlebox drops the connection;
 * - stall: stop forwarding and hold the bytes, as when packets vanish — the client only
 *   notices through its own timeout.
 * Faults can wait for a request whose first line matches a pattern and fire after N bytes of
 * its request (`up`) or of its response (`down`), so a test can break a pull or a push midway.
 * It can also switch to another server (`retarget`), as a load balancer does when one dies.
 */
import net from 'node:net';

export type FaultAction = 'cut' | 'reset' | 'stall';
export type Direction = 'up' | 'down';

export interface ArmedFault {
  /** Matches the request line, e.g. /POST \/api\/sync\/push/. */
  request: RegExp;
  direction: Direction;
  /** Bytes of the request (up) or response (down) forwarded before the fault fires. */
  afterBytes: number;
  action: FaultAction;
  /** Matching requests to let through first. */
  skip?: number;
}

interface Armed extends Required<ArmedFault> {
  fired: () => void;
}

const REQUEST_LINE = /(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+) HTTP\/1\.[01]\r\n/g;

class Link {
  /** The request line of the exchange in flight (HTTP/1.1 keep-alive: one at a time). */
  request = '';
  sent: Record<Direction, number> = { up: 0, down: 0 };
  stalled = false;
  readonly held: Array<[Direction, Buffer]> = [];
  fault: Armed | undefined;

  constructor(
    readonly client: net.Socket,
    readonly server: net.Socket,
  ) {}

  destroy(): void {
    this.client.destroy();
    this.server.destroy();
  }

  reset(): void {
    if (!this.client.destroyed) this.client.resetAndDestroy();
    this.server.destroy();
  }
}

export class TcpProxy {
  private readonly links = new Set<Link>();
  private readonly faults: Armed[] = [];
  private stalledAll = false;
  private refusing = false;

  private constructor(
    private readonly listener: net.Server,
    readonly port: number,
    private target: { host: string; port: number },
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const listener = net.createServer();
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(listener, (listener.address() as net.AddressInfo).port, {
      host: targetHost,
      port: targetPort,
    });
    listener.on('connection', (client: net.Socket) => proxy.accept(client));
    return proxy;
  }

  /** Sends new connections to another server; open ones stay where they are. */
  retarget(targetPort: number, targetHost = '127.0.0.1'): void {
    this.target = { host: targetHost, port: targetPort };
  }

  private accept(client: net.Socket): void {
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    const server = net.connect(this.target.port, this.target.host);
    const link = new Link(client, server);
    this.links.add(link);
    if (this.stalledAll) link.stalled = true;
    const drop = () => {
      this.links.delete(link);
      link.destroy();
    };
    for (const s of [client, server]) {
      s.setNoDelay(true);
      s.on('error', drop);
      s.on('close', drop);
    }
    client.on('data', (b: Buffer) => this.forward(link, 'up', b));
    server.on('data', (b: Buffer) => this.forward(link, 'down', b));
  }

  private forward(link: Link, dir: Direction, chunk: Buffer): void {
    if (link.stalled) {
      link.held.push([dir, chunk]);
      return;
    }
    if (dir === 'up') this.noteRequest(link, chunk);
    const f = link.fault;
    if (f && f.direction === dir && link.sent[dir] + chunk.length > f.afterBytes) {
      const room = Math.max(0, f.afterBytes - link.sent[dir]);
      this.write(link, dir, chunk.subarray(0, room));
      link.fault = undefined;
      f.fired();
      if (f.action === 'cut') link.destroy();
      else if (f.action === 'reset') link.reset();
      else {
        link.stalled = true;
        link.held.push([dir, chunk.subarray(room)]);
      }
      return;
    }
    this.write(link, dir, chunk);
  }

  private write(link: Link, dir: Direction, chunk: Buffer): void {
    link.sent[dir] += chunk.length;
    const [from, to] = dir === 'up' ? [link.client, link.server] : [link.server, link.client];
    if (chunk.length > 0 && !to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  }

  /** A new request on the link: restart the byte counts and arm the first fault it matches. */
  private noteRequest(link: Link, chunk: Buffer): void {
    const lines = [...chunk.toString('latin1').matchAll(REQUEST_LINE)];
    const last = lines.at(-1);
    if (!last) return;
    // A fault whose exchange ended before its byte count waits for the next matching request.
    if (link.fault) this.faults.unshift({ ...link.fault, skip: 0 });
    link.fault = undefined;
    link.request = `${last[1]} ${last[2]}`;
    link.sent = { up: -(last.index ?? 0), down: 0 };
    const i = this.faults.findIndex((f) => f.request.test(link.request));
    if (i < 0) return;
    const f = this.faults[i]!;
    if (f.skip > 0) {
      f.skip--;
      return;
    }
    this.faults.splice(i, 1);
    link.fault = f;
  }

  /** Arms a fault; the promise resolves when it has fired. */
  arm(fault: ArmedFault): Promise<void> {
    return new Promise((resolve) => this.faults.push({ skip: 0, ...fault, fired: resolve }));
  }

  /** Faults armed that have not met their request yet. */
  get pendingFaults(): number {
    return this.faults.length;
  }

  /** Closes every open connection now. */
  cutAll(): void {
    for (const l of this.links) l.destroy();
  }

  /** Resets every open connection now. */
  resetAll(): void {
    for (const l of this.links) l.reset();
  }

  /** Stops forwarding on every connection, open or new, until `recover()`. */
  stallAll(): void {
    this.stalledAll = true;
    for (const l of this.links) l.stalled = true;
  }

  /** The network is down: every open connection is reset and new ones are refused until `recover()`. */
  refuseAll(): void {
    this.refusing = true;
    this.resetAll();
  }

  /** Disarms the faults and forwards again: held bytes go out, stalled connections resume. */
  recover(): void {
    this.faults.length = 0;
    this.stalledAll = false;
    this.refusing = false;
    for (const l of this.links) {
      l.fault = undefined;
      if (!l.stalled) continue;
      l.stalled = false;
      for (const [dir, chunk] of l.held.splice(0)) this.forward(l, dir, chunk);
    }
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }
}
