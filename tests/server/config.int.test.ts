/**
 * Configuration is validated at start (docs/CONFIGURATION.md): for every variable of the schema
 * a wrong value makes loadConfig throw a ConfigError naming it, and `server/main.ts` started with
 * wrong values exits non-zero, naming each of them on stderr, before it opens anything.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ConfigError, ConfigSchema, loadConfig } from '../../server/config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A wrong value for each variable. A new variable without one here fails the first test. */
const INVALID: Record<string, string> = {
  HOST: 'not a host',
  PORT: '80a',
  DATA_DIR: '/srv/classdesk ',
  DATABASE_URL: 'mysql://classdesk:hunter2-secret@db/classdesk',
  UPDATES_DIR: ' /srv/feed',
  ADMIN_CONSOLE_DIR: '/srv/console ',
  DATABASE_POOL_SIZE: '0',
  DEMO_DATA: 'maybe',
  TOKEN_TTL_HOURS: '0',
  MAX_UPLOAD_MB: '2048',
  MAX_BODY_KB: '8',
  REMINDER_LEAD_MINUTES: '-5',
  SCHEDULER_INTERVAL_SECONDS: '1.5',
  CLAMAV_HOST: 'clamd:3310',
  CLAMAV_PORT: '65536',
  SCAN_TIMEOUT_MS: '50',
  SCAN_MAX_ATTEMPTS: '0',
  SCAN_RETRY_BASE_SECONDS: 'soon',
  SCAN_SWEEP_SECONDS: '0',
  SCAN_SHUTDOWN_WAIT_SECONDS: '-1',
  RATE_LIMIT_DASHBOARD_PER_MIN: 'many',
  RATE_LIMIT_NOTIFICATIONS_PER_MIN: '0',
  RATE_LIMIT_SYNC_PER_MIN: '1e9',
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '0',
  RATE_LIMIT_LOGIN_ACCOUNT_SLOW_AFTER: '0',
  RATE_LIMIT_LOGIN_PER_ADDRESS: 'fifty',
  RATE_LIMIT_LOGIN_WINDOW_MIN: '0',
  RATE_LIMIT_SOCKET_CONNECTIONS_PER_MIN: '0',
  SOCKETS_PER_USER: 'twenty',
  TRUST_PROXY: 'on',
  SLOW_REQUEST_MS: '0',
  REDIS_URL: 'http://cache:6379',
  REDIS_PREFIX: 'class desk',
  REDIS_STREAM_MAX_LEN: '999',
  SHUTDOWN_DRAIN_SECONDS: '601',
  METRICS_TOKEN: 'hunter2-short',
  PAYMENTS_WEBHOOK_SECRET: 'hunter2 has spaces',
  MAX_IMPORT_MB: '0',
  CHECKSUM_CACHE_ROWS: '-1',
  CHECKSUM_CACHE_MAX_AGE_SECONDS: '0',
  SMTP_URL: 'smtpx://mailer:hunter2-secret@mail.example:587',
  MAIL_FROM: 'Classdesk <no-reply>',
  PUBLIC_URL: 'classdesk.example.org',
  EMAIL_MAX_ATTEMPTS: '0',
  EMAIL_RETRY_BASE_SECONDS: 'later',
  EMAIL_RETRY_MAX_SECONDS: '0',
  EMAIL_SWEEP_SECONDS: '3601',
  EMAIL_SEND_TIMEOUT_SECONDS: '0',
  EMAIL_CONCURRENCY: '65',
  EMAIL_DIGEST_HOUR: '24',
  LOG_LEVEL: 'verbose',
  PASSWORD_HASH_COST: 'cheap',
};
const VARIABLES = Object.keys(ConfigSchema.shape);
/** Values that may hold passwords or tokens: never repeated in an error message. */
const SECRETS = ['hunter2'];

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  test('there is a wrong value to try for every variable of the schema, and for no other', () => {
    expect(Object.keys(INVALID).sort()).toEqual([...VARIABLES].sort());
  });

  test('the defaults alone make a valid configuration', () => {
    expect(loadConfig({}).PORT).toBe(4000);
  });

  test.each(VARIABLES)('a wrong %s stops the configuration with a message naming it', (name) => {
    const err = configError({ [name]: INVALID[name]! });
    const lines = err.message.split('\n').slice(1);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(new RegExp(`^  ${name}=`));
    for (const secret of SECRETS) expect(err.message).not.toContain(secret);
  });

  test('the demo data is off unless asked for, and refused in production', () => {
    expect(loadConfig({}).DEMO_DATA).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).DEMO_DATA).toBe(false);
    expect(loadConfig({ DEMO_DATA: 'true' }).DEMO_DATA).toBe(true);
    const err = configError({ DEMO_DATA: 'true', NODE_ENV: 'production' });
    expect(err.message).toMatch(/^ {2}DEMO_DATA=.*NODE_ENV=production/m);
  });

  test.each([
    ['HOST', '0.0.0.0'],
    ['HOST', '::'],
    ['HOST', 'classdesk.example.org'],
    ['CLAMAV_HOST', 'clamav_1'],
    ['DATABASE_URL', 'postgres://classdesk:pw@db.internal:5432/classdesk'],
    ['DATABASE_URL', '/var/lib/classdesk/classdesk.sqlite'],
    ['DATA_DIR', '/srv/class desk'],
    ['METRICS_TOKEN', 'd2f1c8a0b3e94f6b8c7d1e2f3a4b5c6d'],
    ['PAYMENTS_WEBHOOK_SECRET', 'whsec_5f1c8a0b3e94f6b8c7d1e2f3'],
  ])('%s=%j is accepted', (name, value) => {
    const config: Record<string, unknown> = loadConfig({ [name]: value });
    expect(config[name]).toBe(value);
  });
});

describe('the documentation', () => {
  const read = (file: string) => fs.readFileSync(path.join(ROOT, 'docs', file), 'utf8');

  test('docs/CONFIGURATION.md has a row for every variable of the schema, and for no other', () => {
    const documented = [...read('CONFIGURATION.md').matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...VARIABLES].sort());
  });

  test('docs/DEPLOYMENT.md names only variables the server reads, with values it accepts', () => {
    const doc = read('DEPLOYMENT.md');
    const envFile = /```sh\n# \/etc\/classdesk\/classdesk\.env[^\n]*\n([\s\S]*?)```/.exec(doc);
    expect(envFile).not.toBeNull();
    const env: Record<string, string> = {};
    for (const line of envFile![1]!.split('\n')) {
      const m = /^#? ?([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
      if (m) env[m[1]!] = m[2]!;
    }
    for (const name of Object.keys(env)) expect(VARIABLES, name).toContain(name);
    // The example file, placeholders filled in, is a valid configuration.
    expect(() => loadConfig({ ...env, METRICS_TOKEN: 'a'.repeat(64) })).not.toThrow();
    const table = doc.slice(doc.indexOf('## Configuration reference'));
    for (const m of table.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)) expect(VARIABLES, m[1]).toContain(m[1]);
  });
});

describe('server/main.ts', () => {
  test('started with wrong values it exits non-zero and names every wrong variable on stderr', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-config-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const name of VARIABLES) delete env[name];
      // Every variable wrong at once, except where the server would write (it must not get there).
      const wrong = { ...INVALID };
      delete wrong.DATA_DIR;
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
        cwd: ROOT,
        env: { ...env, ...wrong, DATA_DIR: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', resolve);
      });

      expect(code, stderr).not.toBe(0);
      expect(code).not.toBeNull();
      expect(stderr).toContain('invalid configuration');
      for (const name of Object.keys(wrong)) expect(stderr).toMatch(new RegExp(`^  ${name}=`, 'm'));
      for (const secret of SECRETS) expect(stderr + stdout).not.toContain(secret);
      expect(stdout).not.toContain('sync server on');
      // It stopped before opening the database.
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
