/**
 * The diagnostic CLI, spawned as a real child process (`node --import tsx src/cli/main.ts`)
 * against a real sync server. Each spawn costs about a second, so the steps share one data dir
 * and run in order; independent spawns run side by side.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { profileDir } from '../../src/main/core/device.js';
import { signedIn } from '../support/api-client.js';
import { demoIds, type DemoIds } from '../support/demo.js';
import { startTestServer, type TestServer } from '../support/server-fixture.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'classdesk-demo';
const SPAWN_TIMEOUT_MS = 60_000;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI asynchronously (the test server lives in this process: never spawnSync). */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('CLASSDESK_')) delete base[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), SPAWN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const json = <T = Record<string, unknown>>(r: CliResult): T => {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}): ${r.stdout}\nstderr: ${r.stderr}`);
  }
};

interface SyncJson {
  schools: Array<{
    school_id: number;
    changes: number;
    batches: number;
    verified: boolean;
    refetched: boolean;
  }>;
  pushed: { applied: number; rejected: number };
  revoked: number[];
  quarantined: number;
  pending: number;
}

interface StatusJson {
  server: string;
  user: { id: number; email: string };
  schools: Array<{ school_id: number; last_synced_at: string | null; has_cursor: boolean }>;
  pending: number;
  attention: unknown[];
  quarantine: number;
}

describe('diagnostic CLI against a real server', () => {
  let server: TestServer;
  let ids: DemoIds;
  let tmp: string;
  let dataDir: string;
  /** The environment of a logged-in command on the shared data dir. */
  const env = (extra: Record<string, string> = {}) => ({ CLASSDESK_DATA_DIR: dataDir, ...extra });
  const withPassword = () => env({ CLASSDESK_PASSWORD: PASSWORD });
  const storeFile = () => path.join(profileDir(dataDir, server.url, ids.ana), 'classdesk.sqlite');
  const readStore = <T>(fn: (db: SQLite.Database) => T): T => {
    const db = new SQLite(storeFile(), { readonly: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    // Every CLI command signs in: lift the sign-in rate limits for this suite.
    server = await startTestServer('sqlite', {
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000',
      RATE_LIMIT_LOGIN_PER_ADDRESS: '1000',
    });
    ids = await demoIds(server.database.db);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'classdesk-cli-'));
    dataDir = path.join(tmp, 'data');
  });
  afterAll(async () => {
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('bad arguments exit 2 with usage on stderr; --help documents the exit codes', async () => {
    const [help, unknownCommand, unknownOption, missingArg, badId, noPassword] = await Promise.all([
      cli(['--help']),
      cli(['frobnicate'], env()),
      cli(['status', '--verbose'], env()),
      cli(['edit-notes', '12'], env()),
      cli(['edit-notes', 'abc', 'text'], env()),
      // No CLASSDESK_PASSWORD and stdin is not a terminal: nothing to sign in with.
      cli(['login', '--server', server.url, '--email', 'ana@classdesk.test'], env()),
    ]);
    expect(help.code).toBe(0);
    for (const line of [
      '0  ok',
      '2  usage error',
      '3  verify mismatch',
      '4  server unreachable',
      '5  sign-in failed',
      '6  not logged in',
      '7  edit refused',
    ])
      expect(help.stdout).toContain(line);
    expect(help.stdout).toMatch(/never written to disk/);
    for (const r of [unknownCommand, unknownOption, missingArg, badId, noPassword]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/usage: npm run cli/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stdout).toBe('');
    }
    expect(unknownCommand.stderr).toContain('frobnicate');
    expect(unknownOption.stderr).toContain('--verbose');
    expect(missingArg.stderr).toContain('TEXT');
    expect(noPassword.stderr).toContain('CLASSDESK_PASSWORD');
  }, 120_000);

  test('before login: exit 6; a wrong password: exit 5 and no profile', async () => {
    const [status, edit, wrong] = await Promise.all([
      cli(['status'], env()),
      cli(['--data-dir', dataDir, 'edit-notes', '1', 'x']),
      cli(
        ['login', '--server', server.url, '--email', 'ana@classdesk.test'],
        env({ CLASSDESK_PASSWORD: 'not-it' }),
      ),
    ]);
    expect(status.code, status.stderr).toBe(6);
    expect(status.stderr).toMatch(/not logged in .*run login/);
    expect(edit.code, edit.stderr).toBe(6);
    expect(wrong.code, wrong.stderr).toBe(5);
    expect(wrong.stderr).toMatch(/sign-in failed/);
    expect(wrong.stderr).not.toContain('not-it');
    expect(fs.existsSync(path.join(dataDir, 'cli-profile.json'))).toBe(false);
  }, 120_000);

  test('login, sync, an offline edit while the server is down, sync pushes it, verify, status', async () => {
    // login: a profile without token or password; the token is revoked again.
    const login = await cli(
      ['login', '--server', server.url, '--email', 'ana@classdesk.test'],
      withPassword(),
    );
    expect(login.code, login.stderr).toBe(0);
    expect(json<{ user: { id: number } }>(login).user.id).toBe(ids.ana);
    const profileText = fs.readFileSync(path.join(dataDir, 'cli-profile.json'), 'utf8');
    expect(JSON.parse(profileText)).toMatchObject({
      server: server.url,
      email: 'ana@classdesk.test',
      user_id: ids.ana,
    });
    expect(profileText).not.toContain(PASSWORD);
    expect(profileText).not.toMatch(/token/i);

    // sync: progress on stderr, a JSON summary on stdout, the sessions in the local store.
    const sync = await cli(['sync'], withPassword());
    expect(sync.code, sync.stderr).toBe(0);
    const summary = json<SyncJson>(sync);
    expect(summary.schools.map((s) => s.school_id).sort()).toEqual([ids.norte, ids.sul].sort());
    for (const s of summary.schools) {
      expect(s.verified).toBe(true);
      expect(s.changes).toBeGreaterThan(0);
      expect(s.batches).toBeGreaterThanOrEqual(1);
    }
    expect(summary.pushed).toEqual({ applied: 0, rejected: 0 });
    expect(summary.revoked).toEqual([]);
    expect(sync.stderr).toMatch(new RegExp(`^school ${ids.norte}: (\\d+)/\\1$`, 'm'));
    expect(sync.stderr).toMatch(new RegExp(`^school ${ids.sul}: (\\d+)/\\1$`, 'm'));
    const serverSessions = await server.database.db
      .selectFrom('class_sessions')
      .select(['id', 'school_id'])
      .where('teacher_id', '=', ids.ana)
      .execute();
    const localSessions = readStore((db) => db.prepare('select id, school_id from sessions').all()) as Array<{
      id: number;
      school_id: number;
    }>;
    expect(localSessions.map((s) => s.id).sort((a, b) => a - b)).toEqual(
      serverSessions.map((s) => s.id).sort((a, b) => a - b),
    );
    const session = serverSessions.find((s) => s.school_id === ids.norte)!;

    // The server goes down: the edit is still accepted, status still answers, sync says offline.
    await server.halt();
    const edit = await cli(['edit-notes', String(session.id), 'Escrito no comboio, sem rede'], env());
    expect(edit.code, edit.stderr).toBe(0);
    expect(json<{ pending: number; queued: { school_id: number } }>(edit)).toMatchObject({
      pending: 1,
      queued: { school_id: ids.norte },
    });
    const [offlineStatus, offlineSync, unknown] = await Promise.all([
      cli(['status'], env()),
      cli(['sync'], withPassword()),
      cli(['edit-notes', '999999', 'nope'], env()),
    ]);
    expect(offlineStatus.code, offlineStatus.stderr).toBe(0);
    expect(json<StatusJson>(offlineStatus).pending).toBe(1);
    expect(offlineSync.code, offlineSync.stderr).toBe(4);
    expect(offlineSync.stderr).toMatch(/unreachable/);
    expect(offlineSync.stderr).not.toMatch(/\n\s+at /);
    expect(unknown.code, unknown.stderr).toBe(7);
    expect(unknown.stderr).toMatch(/session 999999 is not on this device/);
    expect(
      readStore((db) => db.prepare('select lesson_notes from sessions where id = ?').get(session.id)),
    ).toEqual({
      lesson_notes: 'Escrito no comboio, sem rede',
    });

    // Back online: the edit is pushed once and lands on the server.
    await server.resume();
    const back = await cli(['sync'], withPassword());
    expect(back.code, back.stderr).toBe(0);
    const backSummary = json<SyncJson>(back);
    expect(backSummary.pushed).toEqual({ applied: 1, rejected: 0 });
    expect(backSummary.pending).toBe(0);
    const row = await server.database.db
      .selectFrom('class_sessions')
      .select('lesson_notes')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.lesson_notes).toBe('Escrito no comboio, sem rede');

    const verify = await cli(['verify'], withPassword());
    expect(verify.code, verify.stderr).toBe(0);
    const v = json<{ match: boolean; schools: Array<{ match: boolean; local: string; server: string }> }>(
      verify,
    );
    expect(v.match).toBe(true);
    expect(v.schools).toHaveLength(2);
    for (const s of v.schools) expect(s.local).toBe(s.server);

    const status = await cli(['status'], env());
    expect(status.code, status.stderr).toBe(0);
    const st = json<StatusJson>(status);
    expect(st).toMatchObject({
      server: server.url,
      user: { id: ids.ana, email: 'ana@classdesk.test' },
      pending: 0,
      attention: [],
      quarantine: 0,
    });
    expect(st.schools.map((s) => s.school_id).sort()).toEqual([ids.norte, ids.sul].sort());
    for (const s of st.schools) {
      expect(s.has_cursor).toBe(true);
      expect(s.last_synced_at).not.toBeNull();
    }

    // Every command signed out at the end: no token of ana's is still valid.
    const live = await server.database.db
      .selectFrom('auth_tokens')
      .select('id')
      .where('user_id', '=', ids.ana)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);
  }, 240_000);

  test('a local copy that drifted makes verify exit 3; sync re-fetches and converges', async () => {
    const db = new SQLite(storeFile());
    const victim = db.prepare('select id from sessions where school_id = ? limit 1').get(ids.sul) as {
      id: number;
    };
    db.prepare('delete from sessions where id = ?').run(victim.id);
    db.close();
    const verify = await cli(['verify'], withPassword());
    expect(verify.code, verify.stderr).toBe(3);
    const v = json<{ match: boolean; schools: Array<{ school_id: number; match: boolean }> }>(verify);
    expect(v.match).toBe(false);
    expect(v.schools.find((s) => s.school_id === ids.sul)!.match).toBe(false);
    expect(v.schools.find((s) => s.school_id === ids.norte)!.match).toBe(true);
    const sync = await cli(['sync'], withPassword());
    expect(sync.code, sync.stderr).toBe(0);
    expect(json<SyncJson>(sync).schools.find((s) => s.school_id === ids.sul)).toMatchObject({
      verified: true,
      refetched: true,
    });
    expect(readStore((db) => db.prepare('select id from sessions where id = ?').get(victim.id))).toEqual({
      id: victim.id,
    });
  }, 120_000);

  test('after the admin deactivates the membership, sync quarantines the pending edit and export-quarantine writes it', async () => {
    const session = await server.database.db
      .selectFrom('class_sessions')
      .select('id')
      .where('teacher_id', '=', ids.ana)
      .where('school_id', '=', ids.sul)
      .executeTakeFirstOrThrow();
    const edit = await cli(['edit-notes', String(session.id), 'pending when revoked'], env());
    expect(edit.code, edit.stderr).toBe(0);

    const admin = await signedIn(server.url, 'admin@classdesk.test');
    expect(
      (await admin.patch(`/api/admin/schools/${ids.sul}/memberships/${ids.ana}`, { active: false })).status,
    ).toBe(200);

    const sync = await cli(['sync'], withPassword());
    expect(sync.code, sync.stderr).toBe(0);
    const summary = json<SyncJson>(sync);
    expect(summary.revoked).toEqual([ids.sul]);
    expect(summary.quarantined).toBe(1);
    expect(summary.schools.map((s) => s.school_id)).toEqual([ids.norte]);
    // The server never received it.
    const row = await server.database.db
      .selectFrom('class_sessions')
      .select('lesson_notes')
      .where('id', '=', session.id)
      .executeTakeFirstOrThrow();
    expect(row.lesson_notes).not.toBe('pending when revoked');

    const file = path.join(tmp, 'quarantine.json');
    const [exported, status] = await Promise.all([
      cli(['export-quarantine', file], env()),
      cli(['status'], env()),
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(json(exported)).toEqual({ file, count: 1 });
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      user: { id: number };
      count: number;
      edits: Array<{ school_id: number; type: string; args: Record<string, unknown> }>;
    };
    expect(doc.user.id).toBe(ids.ana);
    expect(doc.count).toBe(1);
    expect(doc.edits[0]).toMatchObject({
      school_id: ids.sul,
      type: 'update_lesson_notes',
      args: { session_id: session.id, lesson_notes: 'pending when revoked' },
    });
    expect(status.code, status.stderr).toBe(0);
    const st = json<StatusJson>(status);
    expect(st.quarantine).toBe(1);
    expect(st.pending).toBe(0);
    expect(st.schools.map((s) => s.school_id)).toEqual([ids.norte]);
    expect(
      readStore((db) => db.prepare('select count(*) as n from sessions where school_id = ?').get(ids.sul)),
    ).toEqual({
      n: 0,
    });
  }, 120_000);
});
