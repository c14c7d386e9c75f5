import { describe, expect, test } from 'vitest';
import { fromWire, toWire } from './wire.js';

describe('harness wire format', () => {
  test('bytes anywhere in a value survive a JSON round trip as Uint8Arrays', () => {
    // Longer than one base64 chunk, with every byte value.
    const bytes = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 31) % 256);
    const value = { schoolId: 1, title: 'x', nested: { list: [Buffer.from([0, 255]), 'y'] }, bytes };
    const back = fromWire(JSON.parse(JSON.stringify(toWire([value, 2, null])))) as [
      typeof value,
      number,
      null,
    ];
    expect(back[0].bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back[0].bytes).equals(bytes)).toBe(true);
    expect(back[0].nested.list[0]).toEqual(new Uint8Array([0, 255]));
    expect({ ...back[0], bytes: null }).toEqual({
      ...value,
      bytes: null,
      nested: { list: [new Uint8Array([0, 255]), 'y'] },
    });
    expect(back.slice(1)).toEqual([2, null]);
  });

  test('values without bytes pass through unchanged', () => {
    const value = { ok: false, error: { code: 'invalid_args', message: 'm' }, list: [1, 'a', true, null] };
    expect(fromWire(JSON.parse(JSON.stringify(toWire(value))))).toEqual(value);
  });
});
