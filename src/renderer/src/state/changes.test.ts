import { afterEach, describe, expect, test, vi } from 'vitest';
import { useChanges } from './changes.js';

afterEach(() => vi.useRealTimers());

describe('change counter', () => {
  test('a lone change bumps at once; a burst adds one bump at its end', () => {
    vi.useFakeTimers();
    const start = useChanges.getState().version;
    useChanges.getState().bump();
    expect(useChanges.getState().version).toBe(start + 1);
    for (let i = 0; i < 10; i++) useChanges.getState().bump();
    expect(useChanges.getState().version).toBe(start + 1);
    vi.advanceTimersByTime(60);
    expect(useChanges.getState().version).toBe(start + 2);
    vi.advanceTimersByTime(500);
    expect(useChanges.getState().version).toBe(start + 2);
    useChanges.getState().bump();
    expect(useChanges.getState().version).toBe(start + 3);
  });
});
