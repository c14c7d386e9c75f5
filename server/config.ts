/**
 * Server configuration from environment variables, validated at start: a wrong value stops the
 * server with a message naming the variable. docs/CONFIGURATION.md lists every variable.
 */
import { BlockList, isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
// A leading or trailing space (an env file's stray blank) or a control character is never meant.
const text = z
  .string()
  .min(1)
  .refine((v) => v === v.trim() && !/\p{Cc}/u.test(v), {
    message: 'must not start or end with spaces or contain control characters',
    abort: true,
  });
const HOSTNAME = /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*$/;
const host = text.refine((v) => isIP(v) !== 0 || (v.length <= 253 && HOSTNAME.test(v)), {
  message: 'expected an IP address or a host name',
});
// Anything with a URL scheme must be a postgres URL: `mysql://…` must not become a SQLite file name.
const databaseUrl = text.refine(
  (v) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || (/^postgres(ql)?:\/\//.test(v) && URL.canParse(v)),
  { message: 'expected a postgres:// URL or a SQLite file path' },
);
const redisUrl = text.refine((v) => /^rediss?:\/\//.test(v) && URL.canParse(v), {
  message: 'expected a redis:// or rediss:// URL',
});
const smtpUrl = text.refine((v) => /^smtps?:\/\/[^/]/.test(v) && URL.canParse(v), {
  message: 'expected an smtp:// or smtps:// URL',
});
/** A sender address, bare or as `Name <address>`. */
const mailFrom = text.refine(
  (v) => /^(?:[^<>\r\n]+<)?[^\s@<>]+@[^\s@<>]+>?$/.test(v) && v.includes('<') === v.endsWith('>'),
  {
    message: 'expected an email address, or "Name <address>"',
  },
);
const publicUrl = text.refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), {
  message: 'expected an http:// or https:// URL',
});
/** Variables whose values an error message never repeats (they may hold passwords or tokens). */
const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'METRICS_TOKEN',
  'SMTP_URL',
  'PAYMENTS_WEBHOOK_SECRET',
]);

/** An IP address, or a CIDR range (`10.0.0.0/8`, `fd00::/8`). */
function isAddressOrRange(v: string): boolean {
  const [address = '', bits, ...rest] = v.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  if (!/^\d+$/.test(bits) || n > (family === 4 ? 32 : 128)) return false;
  new BlockList().addSubnet(address, n, family === 4 ? 'ipv4' : 'ipv6');
  return true;
}
/**
 * Which X-Forwarded-For hops to believe (Fastify's `trustProxy`): `false`; the proxies' own
 * addresses or ranges (the client's address is then the last hop that is not one of them, so a
 * client cannot choose its own through a proxy that appends to the header); or `true` (every
 * hop: right only behind a proxy that replaces the header).
 */
const trustProxy = text.transform((v, ctx): boolean | string[] => {
  if (/^(true|yes|1)$/.test(v)) return true;
  if (/^(false|no|0)$/.test(v)) return false;
  const list = v.split(',').map((s) => s.trim());
  if (list.every(isAddressOrRange)) return list;
  ctx.addIssue({
    code: 'custom',
    message: "expected false, true, or the proxies' addresses/CIDR ranges, comma-separated (e.g. 127.0.0.1)",
  });
  return z.NEVER;
});

export const ConfigSchema = z.object({
  HOST: host.default('127.0.0.1'),
  PORT: int(0, 65535).default(4000),
  DATA_DIR: text.default('./data'),
  DATABASE_URL: databaseUrl.optional(),
  /** The desktop app's update feed, served at /updates/ (default: $DATA_DIR/updates). */
  UPDATES_DIR: text.optional(),
  /** The built admin console, served at /admin/ (default: out/console of this checkout; `npm run build:console`). */
  ADMIN_CONSOLE_DIR: text.optional(),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  /** Create the demo schools and accounts (public password) in an empty database: asked for only. */
  DEMO_DATA: bool.default(false),
  TOKEN_TTL_HOURS: int(1, 24 * 365).default(24 * 30),
  MAX_UPLOAD_MB: int(1, 1024).default(25),
  MAX_BODY_KB: int(16, 10_240).default(1024),
  REMINDER_LEAD_MINUTES: int(1, 24 * 60).default(15),
  SCHEDULER_INTERVAL_SECONDS: int(1, 3600).default(30),
  CLAMAV_HOST: host.optional(),
  CLAMAV_PORT: int(1, 65535).default(3310),
  SCAN_TIMEOUT_MS: int(100, 600_000).default(30_000),
  /** Scans of one file before it ends `failed` (the scanner unreachable, timing out or unreadable). */
  SCAN_MAX_ATTEMPTS: int(1, 100).default(5),
  /** Delay before a failed scan's second attempt; each further one waits twice as long. */
  SCAN_RETRY_BASE_SECONDS: int(1, 86_400).default(30),
  /** How often each process looks for scans due (besides right after an upload). */
  SCAN_SWEEP_SECONDS: int(1, 3600).default(10),
  /** How long a stopping process waits for its scans in flight before handing them back. */
  SCAN_SHUTDOWN_WAIT_SECONDS: int(0, 600).default(10),
  /** The email channel (server/domain/email-jobs.ts): unset, it is off and says so at start. */
  SMTP_URL: smtpUrl.optional(),
  MAIL_FROM: mailFrom.default('Classdesk <no-reply@classdesk.invalid>'),
  /** The server's address as teachers' mail clients reach it (one-click unsubscribe links). */
  PUBLIC_URL: publicUrl.optional(),
  /** Permanent refusals (5xx) of one email before it is given up and shown to the school's admins. */
  EMAIL_MAX_ATTEMPTS: int(1, 100).default(3),
  /** Delay before an email's second attempt; each further one waits twice as long, up to the max. */
  EMAIL_RETRY_BASE_SECONDS: int(1, 86_400).default(30),
  EMAIL_RETRY_MAX_SECONDS: int(1, 86_400).default(900),
  /** How often each process looks for emails due (besides right after a notification). */
  EMAIL_SWEEP_SECONDS: int(1, 3600).default(5),
  /** An SMTP connection, greeting or reply slower than this fails the attempt (retried later). */
  EMAIL_SEND_TIMEOUT_SECONDS: int(1, 600).default(30),
  /** Emails one process sends at a time (SMTP connections in its pool). */
  EMAIL_CONCURRENCY: int(1, 64).default(4),
  /** The hour of the day, in each school's time zone, daily digests are sent. */
  EMAIL_DIGEST_HOUR: int(0, 23).default(18),
  RATE_LIMIT_DASHBOARD_PER_MIN: int(1, 100_000).default(60),
  RATE_LIMIT_NOTIFICATIONS_PER_MIN: int(1, 100_000).default(30),
  RATE_LIMIT_SYNC_PER_MIN: int(1, 100_000).default(600),
  /** Wrong passwords one address may give for one account in the window before it must wait. */
  RATE_LIMIT_LOGIN_PER_ACCOUNT: int(1, 10_000).default(10),
  /** Wrong passwords for one account from all addresses together after which every address waits at once. */
  RATE_LIMIT_LOGIN_ACCOUNT_SLOW_AFTER: int(1, 1_000_000).default(100),
  RATE_LIMIT_LOGIN_PER_ADDRESS: int(1, 100_000).default(50),
  RATE_LIMIT_LOGIN_WINDOW_MIN: int(1, 1440).default(15),
  /** socket.io handshakes per client address a minute (before the token is looked at). */
  RATE_LIMIT_SOCKET_CONNECTIONS_PER_MIN: int(1, 100_000).default(60),
  /** Sockets one user may hold on one server process. */
  SOCKETS_PER_USER: int(1, 10_000).default(20),
  TRUST_PROXY: trustProxy.default(false),
  SLOW_REQUEST_MS: int(1, 600_000).default(1000),
  /** Several processes on one PostgreSQL database: socket.io events travel through this Redis. */
  REDIS_URL: redisUrl.optional(),
  /** Prefix of the Redis stream and channels, so several deployments can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1 to 64 characters of A-Z a-z 0-9 _ . : -')
    .default('classdesk'),
  /**
   * Entries the Redis stream of socket.io events keeps (trimmed approximately): a process cut off
   * from Redis catches up on what was published meanwhile as long as it is still in the stream.
   */
  REDIS_STREAM_MAX_LEN: int(1_000, 10_000_000).default(100_000),
  /** On SIGTERM, how long /readyz answers 503 before the server stops accepting connections. */
  SHUTDOWN_DRAIN_SECONDS: int(0, 600).default(5),
  /** When set, GET /metrics requires `Authorization: Bearer <token>`; unset, loopback only. */
  METRICS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~+/-]{16,}=*$/, 'expected at least 16 characters of A-Z a-z 0-9 . _ ~ + / -')
    .optional(),
  /**
   * The secret the payment provider signs its webhook events with (server/domain/payments.ts);
   * unset, `POST /api/webhooks/payments` answers 503.
   */
  PAYMENTS_WEBHOOK_SECRET: z
    .string()
    .regex(/^[\x21-\x7e]{16,}$/, 'expected at least 16 printable ASCII characters without spaces')
    .optional(),
  /** Largest roster import (all its files, or its zip) in MB; a bigger one answers 413. */
  MAX_IMPORT_MB: int(1, 1024).default(50),
  /** Rows of scoped views whose checksums are kept in memory (0: computed on every pull). */
  CHECKSUM_CACHE_ROWS: int(0, 100_000_000).default(2_000_000),
  /** Longest time a kept checksum is used before the view is read again and compared. */
  CHECKSUM_CACHE_MAX_AGE_SECONDS: int(1, 86_400).default(300),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** scrypt cost: `owasp` (N=2^17) in production; `test` only for test suites. */
  PASSWORD_HASH_COST: z.enum(['owasp', 'test']).default('owasp'),
});

export type ServerConfig = z.infer<typeof ConfigSchema> & {
  databaseUrl: string;
  filesDir: string;
  updatesDir: string;
  consoleDir: string;
};

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      const value = SECRET_VARIABLES.has(name) ? '(value not shown)' : JSON.stringify(raw[name]);
      return `  ${i.path.join('.')}=${value}: ${i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.REDIS_URL !== undefined && !/^postgres(ql)?:\/\//.test(c.DATABASE_URL ?? ''))
    throw new ConfigError(
      'invalid configuration:\n  REDIS_URL=(value not shown): several server processes need one shared ' +
        'PostgreSQL database; set DATABASE_URL to a postgres:// URL as well (SQLite serves one process)',
    );
  if (c.DEMO_DATA && env.NODE_ENV === 'production')
    throw new ConfigError(
      'invalid configuration:\n  DEMO_DATA="' +
        raw.DEMO_DATA +
        '": the demo accounts have a public password; they are never created with NODE_ENV=production',
    );
  const dataDir = path.resolve(c.DATA_DIR);
  return {
    ...c,
    DATA_DIR: dataDir,
    databaseUrl: c.DATABASE_URL ?? path.join(dataDir, 'classdesk.sqlite'),
    filesDir: path.join(dataDir, 'files'),
    updatesDir: c.UPDATES_DIR ? path.resolve(c.UPDATES_DIR) : path.join(dataDir, 'updates'),
    consoleDir: c.ADMIN_CONSOLE_DIR
      ? path.resolve(c.ADMIN_CONSOLE_DIR)
      : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'out', 'console'),
  };
}
