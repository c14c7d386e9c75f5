import { describe, expect, test } from 'vitest';
import type { AttentionItem, SchoolItem, SyncStatus } from '../types.js';
import {
  applyProgress,
  progressFromSchools,
  statusWord,
  totalProgress,
  valueText,
  viewAttention,
} from './sync-logic.js';

const status = (patch: Partial<SyncStatus>): SyncStatus => ({
  online: true,
  live: true,
  syncing: false,
  lastSyncedAt: null,
  pending: 0,
  attention: 0,
  uploads: 0,
  quarantined: 0,
  notAnswering: false,
  lastError: null,
  ...patch,
});

const school = (patch: Partial<SchoolItem>): SchoolItem => ({
  id: 1,
  name: 'Escola Norte',
  timezone: 'Europe/Lisbon',
  ready: false,
  last_synced_at: null,
  done: null,
  total: null,
  unread: 0,
  pending_edits: 0,
  ...patch,
});

describe('first-sync progress', () => {
  test('progress events are kept per school until done reaches total', () => {
    let p = applyProgress({}, { schoolId: 1, done: 100, total: 1000 });
    p = applyProgress(p, { schoolId: 2, done: 5, total: 50 });
    expect(p).toEqual({ 1: { done: 100, total: 1000 }, 2: { done: 5, total: 50 } });
    expect(totalProgress(p)).toEqual({ done: 105, total: 1050 });
    p = applyProgress(p, { schoolId: 1, done: 1000, total: 1000 });
    expect(p).toEqual({ 2: { done: 5, total: 50 } });
  });

  test('no running first sync means no progress bar', () => {
    expect(totalProgress({})).toBeNull();
    expect(applyProgress({}, { schoolId: 1, done: 0, total: 0 })).toEqual({});
  });

  test('after a restart, unfinished first syncs are read from the school list', () => {
    const p = progressFromSchools(
      [school({ id: 1, done: 10, total: 100 }), school({ id: 2, ready: true, done: 100, total: 100 })],
      {},
    );
    expect(p).toEqual({ 1: { done: 10, total: 100 } });
  });

  test('a live event is newer than the school list and wins; a ready school drops out', () => {
    const p = progressFromSchools([school({ id: 1, done: 10, total: 100 }), school({ id: 2, ready: true })], {
      1: { done: 60, total: 100 },
      2: { done: 99, total: 100 },
    });
    expect(p).toEqual({ 1: { done: 60, total: 100 } });
  });
});

describe('status word', () => {
  test('syncing wins over online; offline when the server cannot be reached', () => {
    expect(statusWord(status({ syncing: true }))).toBe('syncing');
    expect(statusWord(status({}))).toBe('online');
    expect(statusWord(status({ online: false }))).toBe('offline');
    expect(statusWord(null)).toBe('offline');
  });
});

describe('attention items', () => {
  const item = (patch: Partial<AttentionItem>): AttentionItem => ({
    id: 'm1',
    school_id: 1,
    type: 'update_lesson_notes',
    args: JSON.stringify({ session_id: 7, lesson_notes: 'mine', base_version: 3 }),
    code: 'conflict',
    message: 'the notes changed on the server',
    conflict: JSON.stringify({ field: 'lesson_notes', server_value: 'theirs', your_value: 'mine' }),
    created_at: '2025-03-03T10:00:00Z',
    subject: null,
    ...patch,
  });

  test('a conflict shows both values', () => {
    const v = viewAttention(item({}));
    expect(v.args.session_id).toBe(7);
    expect(v.conflict).toEqual({ field: 'lesson_notes', server_value: 'theirs', your_value: 'mine' });
  });

  test('a plain rejection has no conflict', () => {
    expect(viewAttention(item({ conflict: null, code: 'invalid_transition' })).conflict).toBeNull();
  });

  test('unreadable JSON reads as no details instead of breaking the list', () => {
    const v = viewAttention(item({ args: '{oops', conflict: '[1,2]' }));
    expect(v.args).toEqual({});
    expect(v.conflict).toBeNull();
  });

  test('values are shown as text', () => {
    expect(valueText('present')).toBe('present');
    expect(valueText('')).toBe('—');
    expect(valueText(null)).toBe('—');
    expect(valueText({ a: 1 })).toBe('{"a":1}');
  });
});
