/**
 * A teacher's choice, per notification type, of whether it also comes by email — as it happens
 * or in a daily digest — and the language of those emails (docs/ARCHITECTURE.md,
 * "Notifications"). A type without a stored choice takes its default: cancellations and
 * announcements by email at once, the rest not.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { NOTIFICATION_TYPES, type NotificationRow } from '../../src/shared/entities.js';
import type { EmailPreferences } from '../../src/shared/api.js';
import type { DB } from '../db/schema.js';

type Type = NotificationRow['type'];
export type EmailChoice = 'off' | 'immediate' | 'digest';
export type MailLanguage = 'en' | 'pt-PT';

export const DEFAULT_EMAIL: Record<Type, EmailChoice> = {
  session_reminder: 'off',
  session_cancelled: 'immediate',
  new_student: 'off',
  payment_processed: 'off',
  school_announcement: 'immediate',
};
export const DEFAULT_MAIL_LANGUAGE: MailLanguage = 'pt-PT';

export async function getPreferences(db: Kysely<DB>, userId: number): Promise<EmailPreferences> {
  const [rows, lang] = await Promise.all([
    db
      .selectFrom('notification_preferences')
      .select(['type', 'email'])
      .where('user_id', '=', userId)
      .execute(),
    db.selectFrom('mail_settings').select('language').where('user_id', '=', userId).executeTakeFirst(),
  ]);
  const email = { ...DEFAULT_EMAIL };
  for (const r of rows) if (Object.hasOwn(email, r.type)) email[r.type] = r.email;
  return { language: lang?.language ?? DEFAULT_MAIL_LANGUAGE, email };
}

/**
 * Stores the given choices (the others keep theirs) and answers the whole set. Only choices other
 * than the defaults are kept as rows: choosing a default removes the row (so a later change of
 * default reaches everyone who never chose).
 */
export async function setPreferences(
  db: Kysely<DB>,
  userId: number,
  change: { language?: MailLanguage; email?: Partial<Record<Type, EmailChoice>> },
  now: string,
): Promise<EmailPreferences> {
  await db.transaction().execute(async (trx) => {
    for (const type of NOTIFICATION_TYPES) {
      const email = change.email?.[type];
      if (email === undefined) continue;
      if (email === DEFAULT_EMAIL[type]) {
        await trx
          .deleteFrom('notification_preferences')
          .where('user_id', '=', userId)
          .where('type', '=', type)
          .execute();
        continue;
      }
      await trx
        .insertInto('notification_preferences')
        .values({ user_id: userId, type, email, updated_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'type']).doUpdateSet({ email, updated_at: now }))
        .execute();
    }
    if (change.language === DEFAULT_MAIL_LANGUAGE)
      await trx.deleteFrom('mail_settings').where('user_id', '=', userId).execute();
    else if (change.language !== undefined)
      await trx
        .insertInto('mail_settings')
        .values({ user_id: userId, language: change.language, updated_at: now })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ language: change.language!, updated_at: now }))
        .execute();
  });
  return getPreferences(db, userId);
}

/** The email choice of each of these users for one type (defaults filled in). */
export async function choicesFor(
  db: Kysely<DB>,
  userIds: number[],
  type: Type,
): Promise<Map<number, EmailChoice>> {
  const out = new Map<number, EmailChoice>(userIds.map((id) => [id, DEFAULT_EMAIL[type]]));
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await db
      .selectFrom('notification_preferences')
      .select(['user_id', 'email'])
      .where('type', '=', type)
      .where('user_id', 'in', userIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.user_id, r.email);
  }
  return out;
}

/**
 * One-click unsubscribe (RFC 8058): the email's token turns off email for the types it was
 * about, without signing in. Answers the user and types, or null for a token nobody issued.
 */
export async function unsubscribe(
  db: Kysely<DB>,
  token: string,
  now: string,
): Promise<{ userId: number; types: Type[]; language: MailLanguage } | null> {
  const row = await db
    .selectFrom('unsubscribe_tokens')
    .select(['user_id', 'types'])
    .where('token_hash', '=', createHash('sha256').update(token).digest('hex'))
    .executeTakeFirst();
  if (!row) return null;
  const types = row.types
    .split(',')
    .filter((t): t is Type => (NOTIFICATION_TYPES as readonly string[]).includes(t));
  const prefs = await setPreferences(
    db,
    row.user_id,
    { email: Object.fromEntries(types.map((t) => [t, 'off'])) },
    now,
  );
  return { userId: row.user_id, types, language: prefs.language };
}

/** The language of a token's emails, for the page that asks to confirm (null: unknown token). */
export async function tokenLanguage(db: Kysely<DB>, token: string): Promise<MailLanguage | null> {
  const row = await db
    .selectFrom('unsubscribe_tokens as t')
    .leftJoin('mail_settings as m', 'm.user_id', 't.user_id')
    .select('m.language')
    .where('t.token_hash', '=', createHash('sha256').update(token).digest('hex'))
    .executeTakeFirst();
  return row ? (row.language ?? DEFAULT_MAIL_LANGUAGE) : null;
}
