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

describe('own edits', () => {
  test("an edit's own change bumps version but not synced; a pulled change in the same burst bumps both", async () => {
    vi.useFakeTimers();
    // A fresh module: the throttle window of the test above belongs to a clock that is gone.
    vi.resetModules();
    const { useChanges } = await import('./changes.js');
    const start = useChanges.getState();
    useChanges.getState().bump(true);
    expect(useChanges.getState().version).toBe(start.version + 1);
    expect(useChanges.getState().synced).toBe(start.synced);
    useChanges.getState().bump(true);
    vi.advanceTimersByTime(60);
    expect(useChanges.getState().synced).toBe(start.synced);
    useChanges.getState().bump(true);
    useChanges.getState().bump(false);
    vi.advanceTimersByTime(60);
    expect(useChanges.getState().synced).toBe(start.synced + 1);
  });
});
