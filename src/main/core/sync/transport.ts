/**
 * The engine's view of the server: HTTP requests and the socket.io connection behind one
 * adapter. Every answer is validated with the shared schemas; network failures surface as
 * `TransportError` with kind `offline`, HTTP errors with their status and code.
 */
import { io, type Socket } from 'socket.io-client';
import { EmailPreferences, MeResponse, type EmailPreferencesBody } from '../../../shared/api.js';
import type { NotificationRow } from '../../../shared/entities.js';
import {
  ApiError,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PullResponse,
  PushResponse,
  SERVER_EVENTS,
  type ClientToServerEvents,
  type PushBody,
  type ServerToClientEvents,
} from '../../../shared/protocol.js';
import type { z } from 'zod';

/** The code of a request the server accepted but did not answer in time (a hung process or proxy). */
export const NOT_ANSWERING = 'not_answering';

const timedOut = (e: unknown) => e instanceof Error && e.name === 'TimeoutError';

export class TransportError extends Error {
  constructor(
    readonly kind: 'offline' | 'http' | 'protocol',
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface RealtimeHandlers {
  onConnect(): void;
  onDisconnect(reason: string): void;
  onPoke(e: { school_id: number; cursor: string }): void;
  onNotification(n: NotificationRow): void;
  onScopeRevoked(e: { school_id: number }): void;
  /** The server refused the socket's token. */
  onUnauthorized(): void;
}

export interface SyncTransport {
  me(): Promise<z.infer<typeof MeResponse>>;
  pull(schoolId: number, cursor: string | undefined, limit?: number): Promise<PullResponse>;
  push(body: PushBody): Promise<PushResponse>;
  connect(handlers: RealtimeHandlers): void;
  disconnect(): void;
  ackNotification(id: number): void;
  /** GET with a Range header; the caller streams the body. */
  fetchRaw(
    path: string,
    init?: {
      headers?: Record<string, string>;
      method?: string;
      body?: BodyInit;
      signal?: AbortSignal;
      duplex?: 'half';
    },
  ): Promise<Response>;
}

export class HttpTransport implements SyncTransport {
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly serverUrl: string,
    private readonly token: () => string | undefined,
    private readonly timeoutMs = 30_000,
    /** When to try a refused handshake again if the server gives no `retry_after`. */
    private readonly handshakeRetryMs = 30_000,
  ) {}

  async fetchRaw(
    path: string,
    init: {
      headers?: Record<string, string>;
      method?: string;
      body?: BodyInit;
      signal?: AbortSignal;
      duplex?: 'half';
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await fetch(new URL(path, this.serverUrl), {
        method: init.method ?? 'GET',
        headers,
        body: init.body,
        signal: init.signal ?? AbortSignal.timeout(this.timeoutMs),
        // A streamed body (an upload counting its bytes) is sent as it is read.
        ...(init.duplex ? { duplex: init.duplex } : {}),
      });
    } catch (e) {
      // A caller's own signal (a download's stall timer, an upload's budget) is the caller's to explain.
      if (!init.signal && timedOut(e)) throw this.notAnswering();
      throw new TransportError(
        'offline',
        `cannot reach ${this.serverUrl}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  private async json<S extends z.ZodType>(
    schema: S,
    path: string,
    init?: { method?: string; body?: unknown; sync?: boolean },
  ): Promise<z.infer<S>> {
    const headers: Record<string, string> = {};
    if (init?.body !== undefined) headers['content-type'] = 'application/json';
    // Push and pull state the protocol version; the server refuses another one (426).
    if (init?.sync) headers[PROTOCOL_HEADER] = String(PROTOCOL_VERSION);
    const res = await this.fetchRaw(path, {
      method: init?.method,
      headers,
      ...(init?.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    if (init?.sync) {
      // A server from before the version travelled on the wire does not state one.
      const spoken = Number(res.headers.get(PROTOCOL_HEADER) ?? '1');
      if (spoken < PROTOCOL_VERSION)
        throw new TransportError(
          'http',
          `This server is older than the app (sync protocol ${spoken}; the app speaks ${PROTOCOL_VERSION}): ask your school to update the Classdesk server.`,
          res.status,
          'server_outdated',
        );
    }
    // A connection that breaks (or times out) mid-body is the network's fault, not the server's.
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      if (timedOut(e)) throw this.notAnswering();
      throw new TransportError(
        'offline',
        `lost the connection to ${this.serverUrl}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      if (!res.ok) throw new TransportError('http', `server answered ${res.status}`, res.status);
      throw new TransportError('protocol', `server sent an unreadable answer to ${path}`);
    }
    if (!res.ok) {
      const err = ApiError.safeParse(body);
      throw new TransportError(
        'http',
        err.success ? err.data.error.message : `server answered ${res.status}`,
        res.status,
        err.success ? err.data.error.code : undefined,
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new TransportError(
        'protocol',
        `unexpected answer from ${path}: ${parsed.error.issues[0]?.message}`,
      );
    return parsed.data;
  }

  /** The server took the connection but gave no answer within the request timeout. */
  private notAnswering(): TransportError {
    return new TransportError(
      'offline',
      `the server at ${this.serverUrl} did not answer within ${Math.round(this.timeoutMs / 1000)} s`,
      undefined,
      NOT_ANSWERING,
    );
  }

  me() {
    return this.json(MeResponse, '/api/me');
  }

  /** The teacher's email choices, kept on the server so every device shows the same. */
  emailPreferences() {
    return this.json(EmailPreferences, '/api/me/notification-preferences');
  }

  setEmailPreferences(change: z.input<typeof EmailPreferencesBody>) {
    return this.json(EmailPreferences, '/api/me/notification-preferences', { method: 'PUT', body: change });
  }

  pull(schoolId: number, cursor: string | undefined, limit?: number): Promise<PullResponse> {
    const q = new URLSearchParams({ school_id: String(schoolId) });
    if (cursor) q.set('cursor', cursor);
    if (limit) q.set('limit', String(limit));
    return this.json(PullResponse, `/api/sync/pull?${q.toString()}`, { sync: true }) as Promise<PullResponse>;
  }

  push(body: PushBody) {
    return this.json(PushResponse, '/api/sync/push', { method: 'POST', body, sync: true });
  }

  connect(h: RealtimeHandlers): void {
    this.disconnect();
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.serverUrl, {
      transports: ['websocket'],
      auth: (cb) => cb({ token: this.token() }),
      reconnectionDelay: 1000,
      reconnectionDelayMax: 30_000,
      randomizationFactor: 0.5,
    });
    this.socket = socket;
    socket.on('connect', () => h.onConnect());
    socket.on('disconnect', (reason) => h.onDisconnect(reason));
    socket.on('connect_error', (err) => {
      if (err.message === 'unauthorized') return h.onUnauthorized();
      h.onDisconnect(err.message);
      // A handshake the server refused for now (too many sockets or connections: see
      // docs/DEPLOYMENT.md, "Abuse limits") is not retried by socket.io itself: try again when
      // the server says, so the device becomes live again without a restart.
      const data = (err as Error & { data?: { code?: unknown; retry_after?: unknown } }).data;
      if (!socket.active && (data?.code === 'rate_limited' || data?.code === 'too_many_sockets')) {
        const ms = typeof data.retry_after === 'number' ? data.retry_after * 1000 : this.handshakeRetryMs;
        const jitter = 1 + Math.random() / 2;
        this.retryTimer = setTimeout(
          () => {
            this.retryTimer = undefined;
            if (this.socket === socket) socket.connect();
          },
          Math.min(ms, 300_000) * jitter,
        );
      }
    });
    socket.on('poke', (e) => {
      const p = SERVER_EVENTS.poke.safeParse(e);
      if (p.success) h.onPoke(p.data);
    });
    socket.on('notification', (e) => {
      const p = SERVER_EVENTS.notification.safeParse(e);
      if (p.success) h.onNotification(p.data);
    });
    socket.on('scope_revoked', (e) => {
      const p = SERVER_EVENTS.scope_revoked.safeParse(e);
      if (p.success) h.onScopeRevoked(p.data);
    });
  }

  disconnect(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
  }

  ackNotification(id: number): void {
    this.socket?.emit('notification:ack', { notification_id: id });
  }
}
