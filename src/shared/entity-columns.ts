/**
 * Each entity's fields, in schema order: the columns a row is stored in, on the server and on
 * the device. Derived from the wire schemas (entities.ts), kept out of that module because it
 * is not itself part of the wire protocol.
 */
import { ENTITIES, ENTITY_ROW, type Entity, type EntityRow } from './entities.js';

export const ENTITY_COLUMNS = Object.fromEntries(
  ENTITIES.map((e) => [e, Object.keys(ENTITY_ROW[e].shape)]),
) as { [E in Entity]: Array<keyof EntityRow[E] & string> };

/** An entity's columns qualified by a table alias (`s.id`, `s.title`, …), for a query's select list. */
export function columnsOf<E extends Entity, A extends string>(
  entity: E,
  alias: A,
): Array<`${A}.${keyof EntityRow[E] & string}`> {
  return ENTITY_COLUMNS[entity].map((c) => `${alias}.${c}` as const);
}

/** A resource's stored columns: its course links (`course_ids`) live in a table of their own. */
export const RESOURCE_COLUMNS = ENTITY_COLUMNS.resource.filter(
  (c): c is Exclude<(typeof ENTITY_COLUMNS.resource)[number], 'course_ids'> => c !== 'course_ids',
);
