/**
 * The CLI's commands, on top of the same core the desktop app runs (Device, LocalStore,
 * SyncEngine). The sign-in token lives in a MemorySecretStore for the life of one command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Device, signIn, StoreError, TransportError } from '../main/core/device.js';
import { MemorySecretStore, type Logger } from '../main/core/ports.js';
import { CliError, EXIT, UsageError, type ExitCode } from './exit-codes.js';
import { readPassword } from './password.js';
import { readProfile, writeProfile, type Profile } from './profile.js';

export interface Context {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Writes a JSON document on stdout. */
  json(value: unknown): void;
  /** Writes one line on stderr. */
  note(line: string): void;
}

function openDevice(ctx: Context, profile: Profile): Promise<Device> {
  return Device.open({
    dataDir: ctx.dataDir,
    serverUrl: profile.server,
    userId: profile.user_id,
    secrets: new MemorySecretStore(),
    logger: ctx.logger,
  });
}

/** Runs `fn` on this data dir's device, offline (no sign-in). */
async function offline<T>(ctx: Context, fn: (device: Device, profile: Profile) => Promise<T>): Promise<T> {
  const profile = readProfile(ctx.dataDir);
  const device = await openDevice(ctx, profile);
  try {
    return await fn(device, profile);
  } finally {
    await device.close();
  }
}

/** Signs in (token in memory only), runs `fn`, and signs out — revoking the token — whatever happens. */
async function online<T>(ctx: Context, fn: (device: Device, profile: Profile) => Promise<T>): Promise<T> {
  const profile = readProfile(ctx.dataDir);
  const password = await readPassword(profile.email, ctx.env);
  return offline(ctx, async (device) => {
    const { token, user } = await signIn(profile.server, profile.email, password);
    await device.setToken(token);
    try {
      if (user.id !== profile.user_id)
        throw new CliError(
          EXIT.NOT_LOGGED_IN,
          `${profile.email} is user ${user.id} on ${profile.server}, but this data dir was set up for user ${profile.user_id}: run login again`,
        );
      return await fn(device, profile);
    } finally {
      // A sync starts background file work (uploads, prefetch of the coming week's files). The
      // CLI syncs data only: cancel it, so nothing uses the token once it is revoked.
      await device.files.close();
      await device.signOut();
    }
  });
}

const schoolName = (device: Device, schoolId: number): string | null =>
  device.store.getMeta(`school_name:${schoolId}`) ?? null;

const parseJson = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

// ---- login ---------------------------------------------------------------------------------

export async function login(ctx: Context, opts: { server?: string; email?: string }): Promise<ExitCode> {
  if (!opts.server) throw new UsageError('login: missing --server URL');
  if (!opts.email?.trim()) throw new UsageError('login: missing --email EMAIL');
  let url: URL;
  try {
    url = new URL(opts.server);
  } catch {
    throw new UsageError(
      `login: --server "${opts.server}" is not a URL (e.g. https://classdesk.school.example)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`login: --server must be an http:// or https:// URL`);
  const server = url.origin;
  const email = opts.email.trim();
  const password = await readPassword(email, ctx.env);
  const { token, user } = await signIn(server, email, password);
  const profile: Profile = {
    server,
    email,
    user_id: user.id,
    name: user.name,
    logged_in_at: new Date().toISOString(),
  };
  const device = await Device.open({
    dataDir: ctx.dataDir,
    serverUrl: server,
    userId: user.id,
    secrets: new MemorySecretStore(),
    logger: ctx.logger,
  });
  try {
    await device.setToken(token);
    try {
      const me = await device.transport.me();
      writeProfile(ctx.dataDir, profile);
      ctx.json({
        server,
        user: { id: user.id, email: user.email, name: user.name },
        schools: me.memberships.map((m) => ({ school_id: m.school_id, name: m.school_name, role: m.role })),
        data_dir: ctx.dataDir,
        store: device.store.file,
      });
    } finally {
      await device.signOut();
    }
  } finally {
    await device.close();
  }
  ctx.note(`logged in as ${user.email} on ${server}; signed out again (no token is kept)`);
  return EXIT.OK;
}

// ---- sync ----------------------------------------------------------------------------------

export function sync(ctx: Context): Promise<ExitCode> {
  return online(ctx, async (device, profile) => {
    const engine = device.engine;
    engine.on('progress', (p) => ctx.note(`school ${p.schoolId}: ${p.done}/${p.total}`));
    const quarantined = new Map<number, number>();
    engine.on('revoked', (r) => {
      quarantined.set(r.schoolId, (quarantined.get(r.schoolId) ?? 0) + r.quarantined);
      ctx.note(
        `school ${r.schoolId}: access revoked — local data removed, ${r.quarantined} pending edit(s) quarantined`,
      );
    });
    const summary = await engine.syncAll();
    const now = new Date().toISOString();
    device.store.setMeta('last_synced_at', now);
    const unverified = summary.schools.filter((s) => !s.verified);
    ctx.json({
      server: profile.server,
      user: { id: profile.user_id, email: profile.email },
      synced_at: now,
      schools: summary.schools.map((s) => ({
        school_id: s.schoolId,
        name: schoolName(device, s.schoolId),
        changes: s.changes,
        batches: s.batches,
        verified: s.verified,
        refetched: s.refetched,
      })),
      pushed: summary.pushed,
      revoked: summary.revoked,
      quarantined: [...quarantined.values()].reduce((a, b) => a + b, 0),
      pending: device.store.pendingCount(),
      attention: device.store.attention().length,
    });
    for (const s of unverified)
      ctx.note(`school ${s.schoolId}: the local copy still differs from the server's after a re-fetch`);
    return unverified.length > 0 ? EXIT.VERIFY_MISMATCH : EXIT.OK;
  });
}

// ---- status --------------------------------------------------------------------------------

export function status(ctx: Context): Promise<ExitCode> {
  return offline(ctx, async (device, profile) => {
    const store = device.store;
    ctx.json({
      data_dir: ctx.dataDir,
      store: store.file,
      server: profile.server,
      user: { id: profile.user_id, email: profile.email, name: profile.name ?? null },
      client_id: store.clientId,
      last_synced_at: store.getMeta('last_synced_at') ?? null,
      schools: store.schoolIds().map((id) => {
        const s = store.syncState(id);
        return {
          school_id: id,
          name: schoolName(device, id),
          last_synced_at: s?.last_synced_at ?? null,
          has_cursor: Boolean(s?.cursor),
          first_sync_complete: Boolean(s?.checksum),
        };
      }),
      pending: store.pendingCount(),
      attention: store.attention().map((a) => ({
        id: a.id,
        school_id: a.school_id,
        type: a.type,
        code: a.code,
        message: a.message,
        conflict: parseJson(a.conflict),
        args: parseJson(a.args),
        created_at: a.created_at,
      })),
      quarantine: store.quarantine().length,
    });
    return EXIT.OK;
  });
}

// ---- verify --------------------------------------------------------------------------------

export function verify(ctx: Context): Promise<ExitCode> {
  return online(ctx, async (device, profile) => {
    let results;
    try {
      results = await device.engine.verify();
    } catch (e) {
      if (e instanceof TransportError && e.status === 403 && e.code === 'scope_revoked')
        throw new CliError(
          EXIT.VERIFY_MISMATCH,
          'this device holds a school the account no longer has access to: run sync to remove it',
        );
      throw e;
    }
    const schools = results.map((r) => ({
      school_id: r.schoolId,
      name: schoolName(device, r.schoolId),
      local: r.local,
      server: r.server,
      match: r.match,
      ...(r.server === null ? { note: 'the server has changes this device has not pulled: run sync' } : {}),
    }));
    const ok = schools.every((s) => s.match);
    ctx.json({
      server: profile.server,
      user: { id: profile.user_id, email: profile.email },
      match: ok,
      schools,
    });
    for (const s of schools) {
      if (!s.match) ctx.note(`school ${s.school_id}: ${s.note ?? 'checksum differs from the server'}`);
    }
    if (schools.length === 0) ctx.note('nothing synced on this device yet: run sync');
    return ok ? EXIT.OK : EXIT.VERIFY_MISMATCH;
  });
}

// ---- edit-notes ----------------------------------------------------------------------------

export function editNotes(ctx: Context, sessionArg: string, text: string): Promise<ExitCode> {
  if (!/^[1-9][0-9]{0,14}$/.test(sessionArg))
    throw new UsageError(`edit-notes: SESSION_ID must be a positive integer, got "${sessionArg}"`);
  const sessionId = Number(sessionArg);
  return offline(ctx, async (device) => {
    let entry;
    try {
      entry = device.engine.edit('update_lesson_notes', { session_id: sessionId, lesson_notes: text });
    } catch (e) {
      if (e instanceof StoreError) throw new CliError(EXIT.EDIT_REFUSED, `edit refused: ${e.message}`);
      throw e;
    }
    ctx.json({
      queued: {
        id: entry.id,
        school_id: entry.school_id,
        type: entry.type,
        session_id: sessionId,
        created_at: entry.created_at,
      },
      pending: device.store.pendingCount(),
    });
    ctx.note('saved on this device; it reaches the server at the next sync');
    return EXIT.OK;
  });
}

// ---- export-quarantine ---------------------------------------------------------------------

export function exportQuarantine(ctx: Context, file: string): Promise<ExitCode> {
  return offline(ctx, async (device, profile) => {
    const doc = device.store.quarantineExport(new Date(), {
      server: profile.server,
      user: { id: profile.user_id, email: profile.email },
    });
    if (file === '-') {
      ctx.json(doc);
      return EXIT.OK;
    }
    const target = path.resolve(file);
    const tmp = `${target}.${process.pid}.tmp`;
    try {
      // The teacher's own edits: readable by the owner only.
      fs.writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(tmp, target);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw new CliError(
        EXIT.UNEXPECTED,
        `cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    ctx.json({ file: target, count: doc.count });
    return EXIT.OK;
  });
}
