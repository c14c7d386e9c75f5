/** Shapes the desktop read queries answer with, and the mapping from the store's 0/1 flags. */
import type { NotificationRow, ResourceRow, SessionRow } from '../../../shared/entities.js';
import type { RecentResource } from '../../../shared/ipc.js';
import type { LocalDB } from './schema.js';

// The shapes are the IPC contract's (src/shared/ipc.ts): defined once there.
export type { RecentResource, SessionItem } from '../../../shared/ipc.js';

/** One school, or every school on this device. */
export type SchoolFilter = number | null;
export type SessionStatus = SessionRow['status'];

export const toResource = (r: LocalDB['resources']): ResourceRow => ({
  ...r,
  scan_status: r.scan_status as ResourceRow['scan_status'],
  shared_with_students: r.shared_with_students !== 0,
  course_ids: JSON.parse(r.course_ids) as number[],
});

export const toRecentResource = (r: LocalDB['resources']): RecentResource => {
  const { course_ids: _, ...rest } = toResource(r);
  return rest;
};

export const toNotification = (r: LocalDB['notifications']): NotificationRow => ({
  ...r,
  type: r.type as NotificationRow['type'],
  params: JSON.parse(r.params) as NotificationRow['params'],
  is_read: r.is_read !== 0,
  is_dismissed: r.is_dismissed !== 0,
  delivered_via_socket: r.delivered_via_socket !== 0,
});

/** A stored session (plan lists as JSON text, flags as 0/1) in its wire shape. */
export const toSession = <
  R extends Pick<LocalDB['sessions'], 'plan_activities' | 'resource_ids' | 'plan_ready'>,
>(
  r: R,
) => ({
  ...r,
  plan_activities: JSON.parse(r.plan_activities) as SessionRow['plan_activities'],
  resource_ids: JSON.parse(r.resource_ids) as number[],
  plan_ready: r.plan_ready !== 0,
});

export const toSessionItem = <
  R extends Pick<LocalDB['sessions'], 'plan_activities' | 'resource_ids' | 'plan_ready'> & {
    student_count: number | null;
  },
>(
  r: R,
) => Object.assign(toSession(r), { student_count: r.student_count ?? 0 });
