/**
 * Feature flags (docs/ARCHITECTURE.md, "Feature flags"), evaluated through OpenFeature with a
 * provider backed by the `feature_flags` table (migration 0008): per school on or off, or on for
 * a stable percentage of the school's teachers. The share is decided by a hash of the school id,
 * the flag key and the user id, so every server process gives a teacher the same answer. A key
 * with no row is on. Administrators set them (admin API); every change is in the audit log.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import {
  ErrorCode,
  OpenFeature,
  StandardResolutionReasons,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { FeatureFlagBody, FeatureFlagItem } from '../../src/shared/admin-api.js';
import { ALL_ON, FLAG_KEYS, type FeatureFlags, type FlagKey } from '../../src/shared/feature-flags.js';
import type { DB } from '../db/schema.js';
import { requireAdmin } from './admin.js';
import { audit } from './audit.js';
import { write, type DomainContext } from './context.js';

/** The bucket (0..99) of a teacher for a flag of a school: the same on every process. */
export function rolloutBucket(schoolId: number, key: string, userId: number): number {
  const h = createHash('sha256').update(`${schoolId}:${key}:${userId}`).digest();
  return h.readUInt32BE(0) % 100;
}

/** The database an evaluation reads (the request's or the transaction's), for the provider. */
const evaluationDb = new AsyncLocalStorage<Kysely<DB>>();

/** The OpenFeature provider reading `feature_flags`; the context names `schoolId` and the user. */
export class DatabaseFlagProvider implements Provider {
  readonly metadata = { name: 'classdesk-database' } as const;
  readonly runsOn = 'server' as const;

  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    const db = evaluationDb.getStore();
    const schoolId = Number(context['schoolId']);
    const userId = Number(context.targetingKey);
    if (!db || !Number.isInteger(schoolId) || !Number.isInteger(userId)) {
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.INVALID_CONTEXT,
        errorMessage: 'an evaluation needs a database, a schoolId and a targetingKey (user id)',
      };
    }
    const row = await db
      .selectFrom('feature_flags')
      .select(['enabled', 'percentage'])
      .where('school_id', '=', schoolId)
      .where('key', '=', flagKey)
      .executeTakeFirst();
    if (!row) return { value: true, reason: StandardResolutionReasons.DEFAULT };
    if (row.percentage === null)
      return { value: row.enabled === 1, reason: StandardResolutionReasons.STATIC };
    return {
      value: rolloutBucket(schoolId, flagKey, userId) < row.percentage,
      reason: StandardResolutionReasons.SPLIT,
    };
  }

  resolveStringEvaluation(_k: string, defaultValue: string): Promise<ResolutionDetails<string>> {
    return Promise.resolve({ value: defaultValue, reason: StandardResolutionReasons.DEFAULT });
  }
  resolveNumberEvaluation(_k: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return Promise.resolve({ value: defaultValue, reason: StandardResolutionReasons.DEFAULT });
  }
  resolveObjectEvaluation<T extends JsonValue>(_k: string, defaultValue: T): Promise<ResolutionDetails<T>> {
    return Promise.resolve({ value: defaultValue, reason: StandardResolutionReasons.DEFAULT });
  }
}

/** The OpenFeature domain of Classdesk's flags (one provider per process, set on first use). */
const DOMAIN = 'classdesk';
let registered = false;
function client() {
  if (!registered) {
    OpenFeature.setProvider(DOMAIN, new DatabaseFlagProvider());
    registered = true;
  }
  return OpenFeature.getClient(DOMAIN);
}

/** Whether a flag is on for a teacher in a school. */
export function flagOn(db: Kysely<DB>, schoolId: number, userId: number, key: FlagKey): Promise<boolean> {
  return evaluationDb.run(db, () =>
    client().getBooleanValue(key, ALL_ON[key], { targetingKey: String(userId), schoolId }),
  );
}

/** Every flag for a teacher in a school (what the device receives with its pull). */
export async function flagsFor(db: Kysely<DB>, schoolId: number, userId: number): Promise<FeatureFlags> {
  const out = { ...ALL_ON };
  for (const key of FLAG_KEYS) out[key] = await flagOn(db, schoolId, userId, key);
  return out;
}

type Item = z.infer<typeof FeatureFlagItem>;

/** The school's setting of every flag (a key never set is listed as on, with no author). */
export async function listFlags(ctx: DomainContext, adminId: number, schoolId: number): Promise<Item[]> {
  await requireAdmin(ctx.db, adminId, schoolId);
  const rows = await ctx.db
    .selectFrom('feature_flags')
    .selectAll()
    .where('school_id', '=', schoolId)
    .execute();
  return FLAG_KEYS.map((key) => {
    const r = rows.find((x) => x.key === key);
    return r
      ? {
          key,
          enabled: r.enabled === 1,
          percentage: r.percentage,
          updated_at: r.updated_at,
          updated_by: r.updated_by,
        }
      : { key, enabled: true, percentage: null, updated_at: null, updated_by: null };
  });
}

/** Sets a flag of the school: on/off for all, or a percentage of its teachers; audited. */
export async function setFlag(
  ctx: DomainContext,
  adminId: number,
  schoolId: number,
  key: FlagKey,
  body: z.infer<typeof FeatureFlagBody>,
): Promise<Item> {
  await requireAdmin(ctx.db, adminId, schoolId);
  return write(ctx, async (w) => {
    const before = await w.trx
      .selectFrom('feature_flags')
      .select(['enabled', 'percentage'])
      .where('school_id', '=', schoolId)
      .where('key', '=', key)
      .executeTakeFirst();
    const enabled = body.percentage !== undefined ? true : body.enabled!;
    const percentage = body.percentage ?? null;
    const values = { enabled: enabled ? 1 : 0, percentage, updated_at: w.now, updated_by: adminId };
    if (before) {
      await w.trx
        .updateTable('feature_flags')
        .set(values)
        .where('school_id', '=', schoolId)
        .where('key', '=', key)
        .execute();
    } else {
      await w.trx
        .insertInto('feature_flags')
        .values({ school_id: schoolId, key, ...values })
        .execute();
    }
    // The school's devices are poked (its row, unchanged, is logged for every teacher): their
    // next pull brings the flags, so the change shows live.
    w.touch({ school_id: schoolId, teacher_id: null, entity: 'school', row_id: schoolId });
    await audit(w, {
      school_id: schoolId,
      actor_id: adminId,
      action: 'feature_flag.set',
      subject: `feature_flag:${key}`,
      before: before ? { enabled: before.enabled === 1, percentage: before.percentage } : null,
      after: { enabled, percentage },
    });
    return { key, enabled, percentage, updated_at: w.now, updated_by: adminId };
  });
}
