/** The server's migrations in order. A new migration is a new file here and a line below. */
import type { Migration } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-scheduler-lease.js';
import * as m0003 from './0003-scan-jobs.js';
import * as m0004 from './0004-lesson-prep.js';
import * as m0005 from './0005-notification-channels.js';
import * as m0006 from './0006-admin-audit.js';
import * as m0007 from './0007-roster-timetable.js';
import * as m0008 from './0008-feature-flags.js';

export const serverMigrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-scheduler-lease': m0002,
  '0003-scan-jobs': m0003,
  '0004-lesson-prep': m0004,
  '0005-notification-channels': m0005,
  '0006-admin-audit': m0006,
  '0007-roster-timetable': m0007,
  '0008-feature-flags': m0008,
};
