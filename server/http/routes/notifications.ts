import { z } from 'zod';
import { NotificationRow } from '../../../src/shared/entities.js';
import { requireTeacherSchool } from '../../domain/auth.js';
import { applyNow } from '../../domain/push.js';
import { notificationPage } from '../../domain/notifications.js';
import { getPreferences, setPreferences } from '../../domain/notification-preferences.js';
import { EmailPreferences, EmailPreferencesBody } from '../../../src/shared/api.js';
import { route } from '../route-table.js';

/**
 * A page position: the last row of the previous page as `<is_read>.<created_at>.<id>`, base64url
 * (opaque to callers; a malformed one answers 400 on `cursor`).
 */
const PageCursor = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    const m = /^([01])\.(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\.([1-9]\d{0,15})$/.exec(
      Buffer.from(s, 'base64url').toString('utf8'),
    );
    if (!m) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor this list returned' });
      return z.NEVER;
    }
    return { is_read: Number(m[1]), created_at: m[2]!, id: Number(m[3]) };
  })
  .meta({ description: 'next_cursor of the previous page' });
const cursorOf = (n: { is_read: boolean; created_at: string; id: number }) =>
  Buffer.from(`${n.is_read ? 1 : 0}.${n.created_at}.${n.id}`, 'utf8').toString('base64url');

const ListQuery = z.strictObject({
  school_id: z.coerce.number().int().positive(),
  unread_only: z.enum(['true', 'false']).default('false'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: PageCursor.optional(),
});
const IdParams = z.strictObject({ id: z.coerce.number().int().positive() });

export const notificationRoutes = [
  route({
    method: 'GET',
    url: '/api/notifications',
    summary:
      "The caller's notifications in a school (not dismissed), unread first, newest first, a page at a time: " +
      "pass the answer's next_cursor as cursor for the next page (keyset pagination: a page is " +
      'where the previous one ended, whatever arrived since). Each carries its type and params for ' +
      'the reader to render (docs/ARCHITECTURE.md, "Notifications").',
    tag: 'notifications',
    auth: 'user',
    school: 'query',
    query: ListQuery,
    response: z.object({
      notifications: z.array(NotificationRow),
      /** Unread (not dismissed) notifications in the school, all pages together. */
      unread: z.number().int(),
      next_cursor: z.string().nullable(),
    }),
    rateLimits: ['notifications'],
    async handler({ user, query, dom }) {
      await requireTeacherSchool(dom.db, user!.id, query.school_id);
      const page = await notificationPage(dom.db, {
        teacherId: user!.id,
        schoolId: query.school_id,
        unreadOnly: query.unread_only === 'true',
        limit: query.limit,
        after: query.cursor ?? null,
      });
      return {
        notifications: page.rows,
        unread: page.unread,
        next_cursor: page.more ? cursorOf(page.rows[page.rows.length - 1]!) : null,
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/notifications/:id/read',
    otherResponses: { 409: 'the notification cannot be marked read (the reason in the message)' },
    summary: 'Mark a notification read',
    tag: 'notifications',
    auth: 'user',
    school: 'none',
    entityParam: 'id',
    params: IdParams,
    successStatus: 204,
    rateLimits: ['notifications'],
    async handler({ user, params, dom }) {
      await applyNow(dom, user!.id, 'mark_notification_read', { notification_id: params.id });
      return null;
    },
  }),
  route({
    method: 'POST',
    url: '/api/notifications/:id/dismiss',
    otherResponses: { 409: 'the notification cannot be dismissed (the reason in the message)' },
    summary: 'Dismiss a notification',
    tag: 'notifications',
    auth: 'user',
    school: 'none',
    entityParam: 'id',
    params: IdParams,
    successStatus: 204,
    rateLimits: ['notifications'],
    async handler({ user, params, dom }) {
      await applyNow(dom, user!.id, 'dismiss_notification', { notification_id: params.id });
      return null;
    },
  }),
  route({
    method: 'GET',
    url: '/api/me/notification-preferences',
    summary:
      "The caller's email choice per notification type (off, immediate, or in a daily digest) and the " +
      'language of those emails. A type never chosen shows its default: cancellations and ' +
      'announcements by email at once, the rest not.',
    tag: 'notifications',
    auth: 'user',
    school: 'none',
    response: EmailPreferences,
    async handler({ user, dom }) {
      return getPreferences(dom.db, user!.id);
    },
  }),
  route({
    method: 'PUT',
    url: '/api/me/notification-preferences',
    summary:
      'Change email choices (only the types given) and/or the language of the emails; answers the whole set.',
    tag: 'notifications',
    auth: 'user',
    school: 'none',
    body: EmailPreferencesBody,
    response: EmailPreferences,
    async handler({ user, body, dom }) {
      return setPreferences(dom.db, user!.id, body, dom.now().toISOString());
    },
  }),
];
