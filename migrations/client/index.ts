/** The device store's migrations in order. */
import type { Migration } from 'kysely';
import * as m0001 from './0001-initial.js';

export const clientMigrations: Record<string, Migration> = {
  '0001-initial': m0001,
};
