/** Kysely types of the device store (migrations/client). Flags are 0/1, timestamps ISO text. */
import type { Generated } from 'kysely';

export interface LocalDB {
  meta: { key: string; value: string };
  schools: { id: number; name: string; timezone: string; version: number };
  courses: { id: number; school_id: number; name: string; code: string; version: number };
  students: { school_id: number; id: number; name: string; email: string; version: number };
  sessions: {
    id: number;
    school_id: number;
    teacher_id: number;
    course_id: number | null;
    title: string;
    starts_at: string;
    ends_at: string;
    status: 'scheduled' | 'completed' | 'cancelled';
    location: string;
    lesson_notes: string;
    plan_objectives: string;
    /** JSON list of PlanActivity. */
    plan_activities: string;
    plan_materials: string;
    plan_homework: string;
    plan_ready: number;
    /** JSON list of resource ids. */
    resource_ids: string;
    version: number;
  };
  enrolments: {
    id: number;
    school_id: number;
    session_id: number;
    student_id: number;
    attendance: 'unknown' | 'present' | 'absent' | 'late';
    version: number;
  };
  resources: {
    id: number;
    school_id: number;
    teacher_id: number;
    title: string;
    description: string;
    file_type: string;
    mime_type: string;
    size: number;
    sha256: string;
    shared_with_students: number;
    course_ids: string;
    scan_status: string;
    created_at: string;
    version: number;
  };
  announcements: {
    id: number;
    school_id: number;
    title: string;
    message: string;
    created_at: string;
    version: number;
  };
  notifications: {
    id: number;
    school_id: number;
    user_id: number;
    type: string;
    title: string;
    message: string;
    /** JSON object (NotificationRow['params']). */
    params: string;
    action_url: string;
    is_read: number;
    is_dismissed: number;
    read_at: string | null;
    delivered_via_socket: number;
    created_at: string;
    expires_at: string | null;
    version: number;
  };
  plan_templates: {
    id: number;
    school_id: number;
    teacher_id: number;
    name: string;
    /** JSON PlanContent. */
    content: string;
    updated_at: string;
    /** Set by a pending delete_plan_template (the server's view no longer has the row). */
    deleted: number;
    version: number;
  };
  student_notes: {
    id: number;
    school_id: number;
    teacher_id: number;
    student_id: number;
    body: string;
    updated_at: string;
    version: number;
  };
  announced_notifications: { id: number };
  sync_state: {
    school_id: number;
    cursor: string | null;
    checksum: string | null;
    total: number | null;
    done: number | null;
    last_synced_at: string | null;
  };
  outbox: {
    seq: Generated<number>;
    id: string;
    school_id: number;
    type: string;
    args: string;
    created_at: string;
  };
  base_values: { entity: string; row_id: number; field: string; school_id: number; value: string };
  attention: {
    id: string;
    school_id: number;
    type: string;
    args: string;
    code: string;
    message: string;
    conflict: string | null;
    created_at: string;
  };
  quarantine: {
    id: string;
    school_id: number;
    school_name: string;
    type: string;
    args: string;
    created_at: string;
    quarantined_at: string;
    /** What the edit was about, kept at revocation (migration 0003). */
    subject: string | null;
    /** The start of the class it was about. */
    subject_at: string | null;
  };
  file_cache: { sha256: string; size: number; last_access: string };
  pending_uploads: {
    id: string;
    school_id: number;
    title: string;
    description: string;
    file_name: string;
    sha256: string;
    size: number;
    created_at: string;
    last_error: string | null;
  };
}
