/** The device store's migrations in order. */
import type { Migration } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-query-indexes.js';
import * as m0003 from './0003-lesson-prep.js';
import * as m0004 from './0004-quarantine-subject.js';
import * as m0005 from './0005-notification-channels.js';

export const clientMigrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-query-indexes': m0002,
  '0003-lesson-prep': m0003,
  '0004-quarantine-subject': m0004,
  '0005-notification-channels': m0005,
};
