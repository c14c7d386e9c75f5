/** Looks up demo ids by name so tests never hard-code them. */
import type { Kysely } from 'kysely';
import type { DB } from '../../server/db/schema.js';

export interface DemoIds {
  norte: number;
  sul: number;
  ana: number;
  rui: number;
  admin: number;
}

export async function demoIds(db: Kysely<DB>): Promise<DemoIds> {
  const schools = await db.selectFrom('schools').select(['id', 'name']).execute();
  const users = await db.selectFrom('users').select(['id', 'email']).execute();
  const school = (n: string) => schools.find((s) => s.name === n)!.id;
  const user = (e: string) => users.find((u) => u.email === e)!.id;
  return {
    norte: school('Escola Norte'),
    sul: school('Escola Sul'),
    ana: user('ana@classdesk.test'),
    rui: user('rui@classdesk.test'),
    admin: user('admin@classdesk.test'),
  };
}
