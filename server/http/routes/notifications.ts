import { z } from 'zod';
import { NotificationRow } from '../../../src/shared/entities.js';
import { requireTeacherSchool } from '../../domain/auth.js';
import { applyNow } from '../../domain/push.js';
import { VIEW } from '../../domain/scope.js';
import { route } from '../route-table.js';

const ListQuery = z.strictObject({
  school_id: z.coerce.number().int().positive(),
  unread_only: z.enum(['true', 'false']).default('false'),
});
const IdParams = z.strictObject({ id: z.coerce.number().int().positive() });

export const notificationRoutes = [
  route({
    method: 'GET',
    url: '/api/notifications',
    summary: "The caller's notifications in a school, unread first, newest first",
    tag: 'notifications',
    auth: 'user',
    school: 'query',
    query: ListQuery,
    response: z.object({ notifications: z.array(NotificationRow), unread: z.number().int() }),
    rateLimits: ['notifications'],
    async handler({ user, query, dom }) {
      await requireTeacherSchool(dom.db, user!.id, query.school_id);
      const all = await VIEW.notification.rows(dom.db, { teacherId: user!.id, schoolId: query.school_id });
      const visible = all.filter((n) => !n.is_dismissed && (query.unread_only === 'false' || !n.is_read));
      visible.sort(
        (a, b) =>
          Number(a.is_read) - Number(b.is_read) || b.created_at.localeCompare(a.created_at) || b.id - a.id,
      );
      return { notifications: visible, unread: visible.filter((n) => !n.is_read).length };
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
];
