/**
 * Invitations (docs/ARCHITECTURE.md, "Admin console"): an administrator adds a teacher or
 * another administrator by email; the membership starts only when the person accepts. The
 * administrator's answer is the same whether or not the email has an account anywhere (no
 * account enumeration): it carries the token of a link to hand over. A person who already has
 * an account is also told in the app (a notification in a school where they teach) and sees the
 * invitation when signed in to the console.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { AcceptInvitationBody, InviteBody } from '../../src/shared/admin-api.js';
import { requireAdmin } from './admin.js';
import { audit } from './audit.js';
import { hashToken, login } from './auth.js';
import type { WriteContext } from './changes.js';
import { write, type DomainContext } from './context.js';
import { AppError, badRequest, notFound, unauthorized } from './errors.js';
import { createNotifications, expiryFrom } from './notifications.js';
import { hashPassword, verifyPassword, type ScryptCost } from './passwords.js';

/** An invitation is valid for 14 days. */
export const INVITATION_TTL_MS = 14 * 24 * 3600 * 1000;

export async function invite(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  body: z.infer<typeof InviteBody>,
) {
  await requireAdmin(ctx.db, adminId, schoolId);
  const token = randomBytes(32).toString('base64url');
  return write(ctx, async (w) => {
    const member = await w.trx
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select('memberships.id')
      .where('memberships.school_id', '=', schoolId)
      .where('users.email', '=', body.email)
      .executeTakeFirst();
    // About this school only, which the administrator sees in the list anyway.
    if (member)
      throw new AppError(
        409,
        'conflict',
        'this person already has a membership in this school; change it there',
      );
    // A new invitation replaces a pending one for the same email and school.
    await w.trx
      .updateTable('invitations')
      .set({ status: 'revoked' })
      .where('school_id', '=', schoolId)
      .where('email', '=', body.email)
      .where('status', '=', 'pending')
      .execute();
    const row = await w.trx
      .insertInto('invitations')
      .values({
        school_id: schoolId,
        email: body.email,
        role: body.role,
        token_hash: hashToken(token),
        invited_by: adminId,
        status: 'pending',
        created_at: w.now,
        expires_at: new Date(Date.parse(w.now) + INVITATION_TTL_MS).toISOString(),
        accepted_at: null,
        accepted_user_id: null,
      })
      .returning(['id', 'email', 'role', 'status', 'created_at', 'expires_at'])
      .executeTakeFirstOrThrow();
    await notifyInvitee(w, ctx, schoolId, body.email);
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'invitation.create',
      subject: `invitation:${row.id}`,
      before: null,
      after: { email: row.email, role: row.role },
    });
    const by = await w.trx
      .selectFrom('users')
      .select('name')
      .where('id', '=', adminId)
      .executeTakeFirstOrThrow();
    return { ...row, invited_by_name: by.name, token };
  });
}

/**
 * The in-app notice of an invitation, for an email with an account that teaches somewhere: in
 * the first school where it has an active teacher membership (notifications live in a school's
 * view). Nothing in the administrator's answer depends on it.
 */
async function notifyInvitee(w: WriteContext, ctx: DomainContext, schoolId: number, email: string) {
  const where = await w.trx
    .selectFrom('users')
    .innerJoin('memberships', 'memberships.user_id', 'users.id')
    .select(['users.id as user_id', 'memberships.school_id'])
    .where('users.email', '=', email)
    .where('memberships.role', '=', 'teacher')
    .where('memberships.active', '=', 1)
    .orderBy('memberships.school_id')
    .executeTakeFirst();
  if (!where) return;
  const school = await w.trx
    .selectFrom('schools')
    .select('name')
    .where('id', '=', schoolId)
    .executeTakeFirstOrThrow();
  // Facts, not a sentence: each reader writes "Invitation from …" in its own language
  // (src/shared/notification-text.ts).
  await createNotifications(w, ctx, [
    {
      school_id: where.school_id,
      user_id: where.user_id,
      type: 'school_announcement',
      params: { invitation_school: school.name },
      expires_at: expiryFrom(w.now, INVITATION_TTL_MS),
    },
  ]);
}

/** A pending, unexpired invitation by its token, or 404 (an unknown, used or expired link alike). */
async function pendingByToken(ctx: DomainContext, token: string) {
  const inv = await ctx.db
    .selectFrom('invitations')
    .innerJoin('schools', 'schools.id', 'invitations.school_id')
    .select([
      'invitations.id',
      'invitations.school_id',
      'invitations.email',
      'invitations.role',
      'invitations.expires_at',
      'schools.name as school_name',
    ])
    .where('invitations.token_hash', '=', hashToken(token))
    .where('invitations.status', '=', 'pending')
    .where('invitations.expires_at', '>', ctx.now().toISOString())
    .executeTakeFirst();
  if (!inv) throw notFound('invitation');
  return inv;
}

export async function previewInvitation(ctx: DomainContext, token: string) {
  const inv = await pendingByToken(ctx, token);
  return { school_name: inv.school_name, role: inv.role, email: inv.email, expires_at: inv.expires_at };
}

/** Starts the membership of an accepted invitation (a deactivated one of the same person is not reopened). */
async function join(
  w: WriteContext,
  ctx: DomainContext,
  inv: { id: number; school_id: number; role: 'teacher' | 'admin' },
  userId: number,
) {
  const existing = await w.trx
    .selectFrom('memberships')
    .select('id')
    .where('school_id', '=', inv.school_id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (existing)
    throw new AppError(
      409,
      'conflict',
      'you already have a membership in this school: ask its administrator',
    );
  await w.trx
    .insertInto('memberships')
    .values({
      school_id: inv.school_id,
      user_id: userId,
      role: inv.role,
      active: 1,
      version: w.version,
      created_at: w.now,
      updated_at: w.now,
    })
    .execute();
  const done = await w.trx
    .updateTable('invitations')
    .set({ status: 'accepted', accepted_at: w.now, accepted_user_id: userId })
    .where('id', '=', inv.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  // Two accepts at once: the second finds it no longer pending.
  if (Number(done.numUpdatedRows) !== 1) throw notFound('invitation');
  if (inv.role === 'teacher') w.afterCommit(() => ctx.events.scopeGranted(userId, inv.school_id));
  await audit(w, {
    school_id: inv.school_id,
    actor_id: userId,
    action: 'invitation.accept',
    subject: `invitation:${inv.id}`,
    before: { status: 'pending' },
    after: { status: 'accepted', user_id: userId, role: inv.role },
  });
}

/**
 * Accepting by link. The email's account, when it has one, is proven by its password (its name
 * is kept); otherwise the account is created with the name and password given. Answers a
 * sign-in (token) so the page goes on signed in.
 */
export async function acceptInvitation(
  ctx: DomainContext,
  token: string,
  body: z.infer<typeof AcceptInvitationBody>,
  o: { cost: ScryptCost; ttlMs: number },
) {
  const inv = await pendingByToken(ctx, token);
  const account = await ctx.db
    .selectFrom('users')
    .select(['id', 'password_hash'])
    .where('email', '=', inv.email)
    .executeTakeFirst();
  const now = ctx.now();
  if (account && account.password_hash.startsWith('scrypt$')) {
    if (!(await verifyPassword(body.password, account.password_hash)))
      throw unauthorized('wrong password for the account of this email');
    await write(ctx, (w) => join(w, ctx, inv, account.id));
  } else {
    if (!body.name) throw badRequest('name', 'give your name for your new account');
    const hash = await hashPassword(body.password, o.cost);
    await write(ctx, async (w) => {
      // An account made by an administrator for a student has no password yet: it gets this one.
      const id = account
        ? (
            await w.trx
              .updateTable('users')
              .set({ name: body.name!, password_hash: hash, version: w.version })
              .where('id', '=', account.id)
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id
        : (
            await w.trx
              .insertInto('users')
              .values({
                email: inv.email,
                name: body.name!,
                password_hash: hash,
                version: w.version,
                created_at: w.now,
              })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id;
      await join(w, ctx, inv, id);
    });
  }
  const signedIn = await login(ctx.db, inv.email, body.password, o.ttlMs, now);
  if (!signedIn) throw unauthorized();
  return {
    ...signedIn,
    expires_at: new Date(now.getTime() + o.ttlMs).toISOString(),
    school_id: inv.school_id,
    role: inv.role,
  };
}

/** The signed-in person's pending invitations (to their account's email). */
export async function myInvitations(ctx: DomainContext, email: string) {
  return ctx.db
    .selectFrom('invitations')
    .innerJoin('schools', 'schools.id', 'invitations.school_id')
    .select([
      'invitations.id',
      'invitations.school_id',
      'schools.name as school_name',
      'invitations.role',
      'invitations.expires_at',
    ])
    .where('invitations.email', '=', email)
    .where('invitations.status', '=', 'pending')
    .where('invitations.expires_at', '>', ctx.now().toISOString())
    .orderBy('invitations.id')
    .execute();
}

export async function acceptMyInvitation(
  ctx: DomainContext,
  user: { id: number; email: string },
  id: number,
) {
  const inv = (await myInvitations(ctx, user.email)).find((i) => i.id === id);
  if (!inv) throw notFound('invitation');
  await write(ctx, (w) => join(w, ctx, inv, user.id));
  return { school_id: inv.school_id, role: inv.role };
}
