/** Shapes the screens work with, derived from the IPC contract (types only: no zod in the bundle). */
import type { IpcArgs, IpcResult } from '../../shared/ipc.js';
import type { NotificationRow, SessionRow } from '../../shared/entities.js';

export type { AuthState, SyncStatus, Settings, UpdateState, AppEvent, EditWrite } from '../../shared/ipc.js';
export type { MutationInput, MutationType } from '../../shared/mutators.js';
export type { NotificationRow, ResourceRow, AnnouncementRow } from '../../shared/entities.js';
export type { PlanActivity, PlanContent } from '../../shared/entities.js';
export type PlanTemplateItem = IpcResult<'templates:list'>[number];
export type { PrintResult } from '../../shared/ipc.js';

export type SchoolItem = IpcResult<'schools:list'>[number];
export type Dashboard = IpcResult<'dashboard:get'>;
export type RangeName = Dashboard['range'];
export type { SessionItem, RecentResource, SearchHit, TextSegment } from '../../shared/ipc.js';
export type SessionDetail = NonNullable<IpcResult<'session:get'>>;
export type RosterEntry = SessionDetail['roster'][number];
export type SessionFile = SessionDetail['resources'][number];
export type StudentDetail = NonNullable<IpcResult<'student:get'>>;
export type CourseItem = IpcResult<'courses:list'>[number];
export type StudentItem = IpcResult<'students:list'>['rows'][number];
export type AttentionItem = IpcResult<'attention:list'>[number];
export type QuarantineItem = IpcResult<'quarantine:list'>[number];
export type SessionStatus = SessionRow['status'];
export type Attendance = RosterEntry['attendance'];
export type NotificationType = NotificationRow['type'];
export type Language = IpcArgs<'settings:set'>[0]['language'];
export type SessionQueryArgs = IpcArgs<'sessions:list'>[0];
export type EmailPrefs = IpcResult<'emailPrefs:get'>;
export type EmailPrefsChange = IpcArgs<'emailPrefs:set'>[0];
export type EmailChoice = EmailPrefs['email'][NotificationType];

/** Kept here rather than imported: importing values from src/shared would bundle zod. */
export const NOTIFICATION_TYPES = [
  'session_reminder',
  'session_cancelled',
  'new_student',
  'payment_processed',
  'school_announcement',
] as const satisfies readonly NotificationType[];

export const SESSION_STATUSES = [
  'scheduled',
  'completed',
  'cancelled',
] as const satisfies readonly SessionStatus[];
export type PendingUpload = IpcResult<'uploads:list'>[number];
