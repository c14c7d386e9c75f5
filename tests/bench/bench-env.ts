/**
 * The environment a benchmark's server runs with: loopback only, silent, fast password hashing
 * for seeded accounts, and rate limits out of the way (the benchmarks measure, not throttle).
 */
import { RELAXED_RATE_LIMITS } from '../support/server-fixture.js';

export const benchServerEnv = (dataDir: string): Record<string, string> => ({
  HOST: '127.0.0.1',
  PORT: '0',
  DATA_DIR: dataDir,
  DEMO_DATA: 'false',
  LOG_LEVEL: 'silent',
  PASSWORD_HASH_COST: 'test',
  ...RELAXED_RATE_LIMITS,
  RATE_LIMIT_SYNC_PER_MIN: '100000',
  RATE_LIMIT_SOCKET_CONNECTIONS_PER_MIN: '100000',
  SLOW_REQUEST_MS: '600000',
});
