/** The server's migrations in order. A new migration is a new file here and a line below. */
import type { Migration } from 'kysely';
import * as m0001 from './0001-initial.js';

export const serverMigrations: Record<string, Migration> = {
  '0001-initial': m0001,
};
