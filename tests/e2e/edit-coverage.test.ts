/**
 * The rule that every edit type is proven through the UI: this test fails when a mutation type
 * (src/shared/mutators.ts) has no case in tests/e2e/support/ui-edits.ts, which
 * tests/e2e/edits.e2e.test.ts performs in Chromium and checks on the server.
 */
import { describe, expect, test } from 'vitest';
import { MUTATION_TYPES } from '../../src/shared/mutators.js';
import { UI_EDITS } from './support/ui-edits.js';

describe('end-to-end coverage of edits', () => {
  test('every mutation type has a UI-to-server end-to-end case', () => {
    const missing = MUTATION_TYPES.filter((t) => !Object.hasOwn(UI_EDITS, t));
    expect(
      missing,
      `mutation types without a UI case in tests/e2e/support/ui-edits.ts: ${missing.join(', ')}`,
    ).toEqual([]);
    // And no case for a type that no longer exists.
    expect(Object.keys(UI_EDITS).filter((t) => !MUTATION_TYPES.includes(t as never))).toEqual([]);
  });
});
