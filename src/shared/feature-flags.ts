/**
 * Feature flags (docs/ARCHITECTURE.md, "Feature flags"): the keys a school's administrator sets
 * and the evaluated answer a device receives with its pull. A key without a setting is on.
 */
import { z } from 'zod';

export const FLAG_KEYS = ['email_notifications', 'real_time_updates', 'dashboard_widgets'] as const;
export const FlagKey = z.enum(FLAG_KEYS);
export type FlagKey = z.infer<typeof FlagKey>;

/** Every key evaluated for one teacher in one school: true is on. */
export const FeatureFlags = z.strictObject({
  email_notifications: z.boolean(),
  real_time_updates: z.boolean(),
  dashboard_widgets: z.boolean(),
});
export type FeatureFlags = z.infer<typeof FeatureFlags>;

/** What a device assumes before its first pull, and what a key without a setting is: on. */
export const ALL_ON: FeatureFlags = {
  email_notifications: true,
  real_time_updates: true,
  dashboard_widgets: true,
};
