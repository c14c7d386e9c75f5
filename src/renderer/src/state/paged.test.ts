import { describe, expect, test } from 'vitest';
import { createPagedList, pagesForRange, rowAt } from './paged.js';

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('page arithmetic', () => {
  test('a visible range maps to the pages covering it', () => {
    expect(pagesForRange(0, 99, 100)).toEqual([0]);
    expect(pagesForRange(95, 205, 100)).toEqual([0, 1, 2]);
    expect(pagesForRange(5, 4, 100)).toEqual([]);
  });

  test('a row is found in its page, or is undefined while the page loads', () => {
    const pages = { 1: ['b0', 'b1'] };
    expect(rowAt(pages, 11, 10)).toBe('b1');
    expect(rowAt(pages, 3, 10)).toBeUndefined();
  });
});

function fakeList(total: number) {
  const calls: Array<{ search: string; offset: number; school: number | null }> = [];
  const data = Array.from({ length: total }, (_, i) => `row${i}`);
  const store = createPagedList<string, { search: string }>(
    { search: '' },
    async (f, school, limit, offset) => {
      calls.push({ search: f.search, offset, school });
      const rows = data.filter((r) => r.includes(f.search));
      return { rows: rows.slice(offset, offset + limit), total: rows.length };
    },
    10,
  );
  return { store, calls };
}

describe('paged list store', () => {
  test('scrolling reads each page once', async () => {
    const { store, calls } = fakeList(35);
    store.getState().setSchool(1);
    await settle();
    expect(store.getState().total).toBe(35);
    store.getState().ensure(5, 24);
    store.getState().ensure(8, 22);
    await settle();
    expect(calls.map((c) => c.offset)).toEqual([0, 10, 20]);
    expect(rowAt(store.getState().pages, 21, 10)).toBe('row21');
  });

  test('a refresh re-reads what is on screen and keeps the old rows meanwhile', async () => {
    const { store, calls } = fakeList(35);
    store.getState().setSchool(1);
    await settle();
    store.getState().ensure(12, 18);
    await settle();
    calls.length = 0;
    store.getState().refresh();
    expect(store.getState().pages[1]).toHaveLength(10);
    await settle();
    expect(calls.map((c) => c.offset)).toEqual([10]);
  });

  test('a new filter starts over, and answers for the old filter are dropped', async () => {
    const { store } = fakeList(35);
    store.getState().setSchool(1);
    store.getState().setFilter({ search: 'row3' });
    await settle();
    expect(store.getState().total).toBe(6); // row3, row30..row34
    expect(store.getState().pages[0]).toEqual(['row3', 'row30', 'row31', 'row32', 'row33', 'row34']);
  });

  test('switching school starts over', async () => {
    const { store, calls } = fakeList(5);
    store.getState().setSchool(1);
    await settle();
    store.getState().setSchool(null);
    await settle();
    expect(calls.at(-1)?.school).toBeNull();
  });
});
