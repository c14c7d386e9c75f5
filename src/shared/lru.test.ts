import { describe, expect, test } from 'vitest';
import { lruGetOrCreate } from './lru.js';

describe('lruGetOrCreate', () => {
  test('creates a value once and answers it again while it is kept', () => {
    const map = new Map<string, { n: number }>();
    let created = 0;
    const get = (k: string) => lruGetOrCreate(map, k, 2, () => ({ n: ++created }));
    const a = get('a');
    expect(get('a')).toBe(a);
    expect(created).toBe(1);
  });

  test('beyond max drops the least recently used: a hit counts as a use', () => {
    const map = new Map<string, string>();
    const get = (k: string) => lruGetOrCreate(map, k, 2, () => k.toUpperCase());
    get('a');
    get('b');
    get('a'); // a is now the most recently used
    get('c'); // drops b
    expect([...map.keys()]).toEqual(['a', 'c']);
  });

  test('a create that throws leaves the map as it was', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    expect(() =>
      lruGetOrCreate(map, 'c', 2, () => {
        throw new Error('no');
      }),
    ).toThrow('no');
    expect([...map.entries()]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });
});
