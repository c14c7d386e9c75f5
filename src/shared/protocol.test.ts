/**
 * Guards PROTOCOL_VERSION: every schema exported by the shared wire modules is turned into JSON
 * Schema and hashed; the hash of the current version is recorded below. Changing a wire schema
 * without bumping the version fails here, with instructions.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import * as api from './api.js';
import * as entities from './entities.js';
import * as protocol from './protocol.js';
import { PROTOCOL_VERSION } from './protocol.js';

/**
 * PROTOCOL_VERSION → hash of the wire schemas it was released with. Add a line when you bump the
 * version; never edit a line of a released version.
 */
const RECORDED_SCHEMA_HASHES: Record<number, string> = {
  1: '9c829c1389f0e0a8818bcdf82a0bf5eda33ab844cd1984f1e0da1df72feab9d8',
  2: '65b47f9c47deb52f7a2f00f4c8a74ba939688f2297eda6146a5bd3ec971e9b1f',
  3: 'fdba1ce72c1d6c0950b23f76b16dd917e34a5df18af7b3c5f4cbae451c9ff0a5',
};

const MODULES = { api, entities, protocol } as const;

/** A JSON description of an exported value: schemas as JSON Schema (input and output side). */
function describeValue(value: unknown): unknown {
  if (value instanceof z.ZodType) {
    return {
      input: z.toJSONSchema(value, { unrepresentable: 'any', io: 'input' }),
      output: z.toJSONSchema(value, { unrepresentable: 'any', io: 'output' }),
    };
  }
  if (Array.isArray(value)) return value.map(describeValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describeValue(v)]));
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return undefined;
}

/** Every export of the wire modules but the version itself: schemas, their maps, their enums. */
function wireShapes(modules: Record<string, Record<string, unknown>> = MODULES): Record<string, unknown> {
  const shapes: Record<string, unknown> = {};
  for (const [moduleName, mod] of Object.entries(modules)) {
    for (const [name, value] of Object.entries(mod)) {
      if (moduleName === 'protocol' && name === 'PROTOCOL_VERSION') continue;
      const shape = describeValue(value);
      if (shape !== undefined) shapes[`${moduleName}.${name}`] = shape;
    }
  }
  return shapes;
}

/** JSON with object keys sorted at every level, so the hash does not depend on key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const hashOf = (shapes: Record<string, unknown>) => sha256(canonicalJson(shapes));

describe('PROTOCOL_VERSION', () => {
  test('the wire schemas are the ones recorded for the current protocol version', async () => {
    const current = await hashOf(wireShapes());
    const recorded = RECORDED_SCHEMA_HASHES[PROTOCOL_VERSION];
    const next = PROTOCOL_VERSION + 1;
    const message =
      recorded === undefined
        ? `PROTOCOL_VERSION ${PROTOCOL_VERSION} has no recorded schema hash. Add \`${PROTOCOL_VERSION}: '${current}',\` ` +
          'to RECORDED_SCHEMA_HASHES in src/shared/protocol.test.ts, and make sure the "PROTOCOL_VERSION history" ' +
          'comment in src/shared/protocol.ts says what changed in this version.'
        : `The wire schemas (src/shared/protocol.ts, entities.ts, api.ts) changed, but PROTOCOL_VERSION is still ` +
          `${PROTOCOL_VERSION}. Clients and servers of different builds would now disagree silently.\n` +
          `  1. Bump PROTOCOL_VERSION to ${next} in src/shared/protocol.ts;\n` +
          `  2. add "${next} — <what changed>" to the PROTOCOL_VERSION history comment there;\n` +
          `  3. add \`${next}: '${current}',\` to RECORDED_SCHEMA_HASHES in src/shared/protocol.test.ts.\n` +
          `(Only if nothing on the wire changed — e.g. a zod upgrade that renders the same schemas differently — ` +
          `replace the hash of version ${PROTOCOL_VERSION} instead and say so in the commit.)`;
    expect(current, message).toBe(recorded);
  });

  test('no recorded version is newer than the current one', () => {
    for (const v of Object.keys(RECORDED_SCHEMA_HASHES).map(Number))
      expect(v).toBeLessThanOrEqual(PROTOCOL_VERSION);
  });

  test('the hash covers every schema of the three modules, the socket events among them', () => {
    const shapes = wireShapes();
    for (const [moduleName, mod] of Object.entries(MODULES)) {
      for (const [name, value] of Object.entries(mod)) {
        if (value instanceof z.ZodType)
          expect(shapes, `${moduleName}.${name}`).toHaveProperty([`${moduleName}.${name}`]);
      }
    }
    const events = shapes['protocol.SERVER_EVENTS'] as Record<string, unknown>;
    expect(Object.keys(events).sort()).toEqual(['notification', 'poke', 'scope_revoked']);
    expect(Object.keys(shapes['protocol.CLIENT_EVENTS'] as object)).toEqual(['notification:ack']);
    expect(Object.keys(shapes['protocol.MUTATION_ARGS'] as object).sort()).toEqual(
      [...protocol.MUTATION_TYPES].sort(),
    );
  });

  test('the hash changes when a field is added, made optional or an enum value is added', async () => {
    const base = await hashOf(wireShapes());
    const variants: Array<Record<string, unknown>> = [
      { ...entities, NotificationRow: entities.NotificationRow.extend({ priority: z.number() }) },
      { ...entities, NotificationRow: entities.NotificationRow.partial({ expires_at: true }) },
      { ...entities, NotificationType: z.enum([...entities.NOTIFICATION_TYPES, 'grade_posted']) },
      { ...entities, ENTITIES: [...entities.ENTITIES].reverse() },
    ];
    for (const variant of variants) {
      expect(await hashOf(wireShapes({ ...MODULES, entities: variant }))).not.toBe(base);
    }
    const events = { ...protocol, PokeEvent: protocol.PokeEvent.extend({ reason: z.string() }) };
    expect(await hashOf(wireShapes({ ...MODULES, protocol: events }))).not.toBe(base);
    // Key order alone is not a change.
    const reordered = Object.fromEntries(Object.entries(api).reverse());
    expect(await hashOf(wireShapes({ protocol, entities, api: reordered }))).toBe(base);
  });
});

describe('cursors', () => {
  test('a poke cursor is byte for byte the delta cursor a pull answers, and reads back as its position', async () => {
    const { encodeCursor } = await import('../../server/domain/pull.js');
    for (const s of [0, 1, 42, 123_456_789]) {
      expect(protocol.deltaCursor(s)).toBe(encodeCursor({ v: 1, m: 'delta', s }));
      expect(protocol.cursorPosition(protocol.deltaCursor(s))).toBe(s);
    }
    expect(
      protocol.cursorPosition(encodeCursor({ v: 1, m: 'full', h: 3, e: 0, a: 0, t: 10, d: 0 })),
    ).toBeNull();
    expect(protocol.cursorPosition('not a cursor')).toBeNull();
  });
});
