/**
 * A signed-in teacher on this device: their own local store (one per user and server, so
 * people sharing a laptop never see each other's data), the transport, the sync engine and the
 * resource file cache.
 * The Electron shell, the browser harness and the CLI all build on this.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { LoginResponse } from '../../shared/api.js';
import { ApiError } from '../../shared/protocol.js';
import { attachUploads } from './files/attach-uploads.js';
import { FileCache } from './files/file-cache.js';
import { LocalStore, type OpenOptions } from './store/local-store.js';
import { HttpTransport, TransportError } from './sync/transport.js';
import { SyncEngine, type EngineOptions } from './sync/engine.js';

// The errors the core's front ends (the CLI, the harness) tell apart, from its public face.
export { StoreError } from './store/local-store.js';
export { TransportError } from './sync/transport.js';
import {
  systemClock,
  silentLogger,
  type Clock,
  type FaultHook,
  type Logger,
  type SecretStore,
} from './ports.js';

export interface SignedInUser {
  id: number;
  email: string;
  name: string;
}

export class SignInError extends Error {
  constructor(
    readonly code: 'wrong_credentials' | 'unreachable' | 'rate_limited' | 'server_error',
    message: string,
  ) {
    super(message);
  }
}

/** Signs in against a server; the token goes to the secret store, never to the local database. */
export async function signIn(
  serverUrl: string,
  email: string,
  password: string,
): Promise<{ token: string; user: SignedInUser }> {
  let res: Response;
  try {
    res = await fetch(new URL('/api/auth/login', serverUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new SignInError(
      'unreachable',
      `cannot reach the server at ${serverUrl} (${e instanceof Error ? e.message : String(e)})`,
    );
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const parsed = LoginResponse.safeParse(body);
    if (parsed.success) return { token: parsed.data.token, user: parsed.data.user };
    throw new SignInError(
      'server_error',
      'the server answered in a way this app does not understand — is this a Classdesk server?',
    );
  }
  const err = ApiError.safeParse(body);
  const message = err.success ? err.data.error.message : `the server answered ${res.status}`;
  if (res.status === 401) throw new SignInError('wrong_credentials', message);
  if (res.status === 429) throw new SignInError('rate_limited', message);
  if (res.status === 400) throw new SignInError('wrong_credentials', message);
  throw new SignInError('server_error', message);
}

export function profileDir(dataDir: string, serverUrl: string, userId: number): string {
  const id = createHash('sha256')
    .update(`${new URL(serverUrl).origin}|${userId}`)
    .digest('hex')
    .slice(0, 16);
  return path.join(dataDir, 'profiles', id);
}

export interface DeviceOptions {
  dataDir: string;
  serverUrl: string;
  userId: number;
  secrets: SecretStore;
  clock?: Clock;
  logger?: Logger;
  faults?: FaultHook;
  engine?: EngineOptions;
  store?: OpenOptions;
  /** How long a request to the server may take before it counts as not answering (default 30 s). */
  requestTimeoutMs?: number;
  files?: { quotaBytes?: number };
}

/** Default size of the resource file cache. */
export const DEFAULT_FILE_QUOTA_BYTES = 2 * 1024 ** 3;

export const TOKEN_KEY = 'token';

export class Device {
  private constructor(
    readonly dir: string,
    readonly store: LocalStore,
    readonly transport: HttpTransport,
    readonly engine: SyncEngine,
    readonly files: FileCache,
    private token: string | undefined,
    private readonly secrets: SecretStore,
  ) {}

  static async open(o: DeviceOptions): Promise<Device> {
    const dir = profileDir(o.dataDir, o.serverUrl, o.userId);
    const store = await LocalStore.open(path.join(dir, 'classdesk.sqlite'), o.store);
    store.setMeta('server_url', o.serverUrl);
    store.setMeta('user_id', String(o.userId));
    const token = await o.secrets.get(`${TOKEN_KEY}:${dir}`);
    // The transport reads the token from the device, which is built after it.
    const ref: { device?: Device } = {};
    const transport = new HttpTransport(o.serverUrl, () => ref.device?.token, o.requestTimeoutMs);
    const clock = o.clock ?? systemClock;
    const logger = o.logger ?? silentLogger;
    const files = new FileCache({
      store,
      transport,
      dir: path.join(dir, 'files'),
      clock,
      logger,
      quotaBytes: o.files?.quotaBytes ?? DEFAULT_FILE_QUOTA_BYTES,
    });
    const engine = new SyncEngine({
      store,
      transport,
      clock,
      logger,
      faults: o.faults,
      options: {
        ...o.engine,
        onSchoolFilesRevoked: async (hashes) => {
          await files.removeHashes(hashes);
          await o.engine?.onSchoolFilesRevoked?.(hashes);
        },
        onFilesUnused: async (hashes) => {
          await files.removeHashes(hashes);
          await o.engine?.onFilesUnused?.(hashes);
        },
        afterSync: (summary) => {
          attachUploads(store, (args) => engine.edit('set_session_resources', args), logger);
          files.afterSync();
          o.engine?.afterSync?.(summary);
        },
      },
    });
    // A refused upload lands on the same attention list as refused edits; a sent one leaves the
    // count of what waits, and the Resources list.
    files.on('error', (f) => {
      if (f.attention) engine.emit('attention');
      if (f.op === 'upload') engine.refreshStatus();
    });
    files.on('uploaded', (u) => {
      engine.refreshStatus();
      engine.emit('changed', { schoolId: u.schoolId });
    });
    // The new resource (with its courses) arrives with a pull; one meant for a session is then attached.
    files.on('uploaded', (u) => engine.requestSync('upload sent', u.schoolId));
    const device = new Device(dir, store, transport, engine, files, token, o.secrets);
    ref.device = device;
    return device;
  }

  get hasToken(): boolean {
    return this.token !== undefined;
  }

  async setToken(token: string): Promise<void> {
    this.token = token;
    await this.secrets.set(`${TOKEN_KEY}:${this.dir}`, token);
  }

  /** Signs out on the server (revoking the token) and forgets it here. Local data stays. */
  async signOut(): Promise<void> {
    if (this.token) {
      await this.transport.fetchRaw('/api/auth/logout', { method: 'POST' }).catch((e: unknown) => {
        if (!(e instanceof TransportError)) throw e;
      });
    }
    this.token = undefined;
    await this.secrets.delete(`${TOKEN_KEY}:${this.dir}`);
  }

  async close(): Promise<void> {
    this.engine.stop();
    await this.engine.idle();
    await this.files.close();
    await this.store.close();
  }
}
