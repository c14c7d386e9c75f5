/**
 * Sign-in tokens: 256 random bits, given to the client once, stored only as their SHA-256 hash,
 * with an expiry and a revocation time.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { MembershipPublic, UserPublic } from '../../src/shared/entities.js';
import { compiledQuery } from '../db/compiled-query.js';
import { verifyPassword } from './passwords.js';
import { forbidden, scopeRevoked } from './errors.js';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface AuthedUser {
  id: number;
  email: string;
  name: string;
  tokenHash: string;
}

// A real hash to compare against when the email is unknown, so timing does not reveal accounts.
let decoyHash: string | undefined;
export function setDecoyHash(h: string): void {
  decoyHash = h;
}

export async function login(
  db: Kysely<DB>,
  email: string,
  password: string,
  ttlMs: number,
  now = new Date(),
): Promise<{ token: string; user: UserPublic } | null> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'password_hash'])
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  if (!user) {
    if (decoyHash) await verifyPassword(password, decoyHash);
    return null;
  }
  if (!(await verifyPassword(password, user.password_hash))) return null;
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('auth_tokens')
    .values({
      user_id: user.id,
      token_hash: hashToken(token),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
      revoked_at: null,
    })
    .execute();
  return { token, user: { id: user.id, email: user.email, name: user.name } };
}

/** The user behind a bearer token, or null when it is unknown, expired or revoked. */
export async function authenticate(
  db: Kysely<DB>,
  token: string,
  now = new Date(),
): Promise<AuthedUser | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const tokenHash = hashToken(token);
  const [row] = await userOfToken(db, { tokenHash, now: now.toISOString() });
  return row ? { ...row, tokenHash } : null;
}

// Every authenticated request runs these two: compiled once (server/db/compiled-query.ts).
const userOfToken = compiledQuery((db: Kysely<DB>, a: { tokenHash: string; now: string }) =>
  db
    .selectFrom('auth_tokens')
    .innerJoin('users', 'users.id', 'auth_tokens.user_id')
    .select(['users.id', 'users.email', 'users.name'])
    .where('auth_tokens.token_hash', '=', a.tokenHash)
    .where('auth_tokens.revoked_at', 'is', null)
    .where('auth_tokens.expires_at', '>', a.now),
);
const membershipIn = compiledQuery((db: Kysely<DB>, a: { userId: number; schoolId: number }) =>
  db
    .selectFrom('memberships')
    .innerJoin('schools', 'schools.id', 'memberships.school_id')
    .select(['schools.id', 'schools.name', 'schools.timezone', 'memberships.role', 'memberships.active'])
    .where('memberships.user_id', '=', a.userId)
    .where('memberships.school_id', '=', a.schoolId),
);

export async function revokeToken(db: Kysely<DB>, tokenHash: string, now = new Date()): Promise<void> {
  await db
    .updateTable('auth_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function activeMemberships(db: Kysely<DB>, userId: number): Promise<MembershipPublic[]> {
  return db
    .selectFrom('memberships')
    .innerJoin('schools', 'schools.id', 'memberships.school_id')
    .select(['memberships.school_id', 'schools.name as school_name', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .where('memberships.active', '=', 1)
    .orderBy('memberships.school_id')
    .execute();
}

/**
 * The school, when `userId` holds an active teacher membership in it (one query). An inactive
 * membership answers 403 `scope_revoked` (the device must wipe that school); none at all, 403.
 */
export async function requireTeacherSchool(
  db: Kysely<DB>,
  userId: number,
  schoolId: number,
): Promise<{ id: number; name: string; timezone: string }> {
  const [m] = await membershipIn(db, { userId, schoolId });
  if (!m || m.role !== 'teacher') throw forbidden();
  if (!m.active) throw scopeRevoked();
  return { id: m.id, name: m.name, timezone: m.timezone };
}
