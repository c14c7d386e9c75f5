/**
 * The environment a benchmark's server runs with: loopback only, silent, fast password hashing
 * for seeded accounts, and rate limits out of the way (the benchmarks measure, not throttle).
 */
export const benchServerEnv = (dataDir: string): Record<string, string> => ({
  HOST: '127.0.0.1',
  PORT: '0',
  DATA_DIR: dataDir,
  DEMO_DATA: 'false',
  LOG_LEVEL: 'silent',
  PASSWORD_HASH_COST: 'test',
  RATE_LIMIT_DASHBOARD_PER_MIN: '100000',
  RATE_LIMIT_SYNC_PER_MIN: '100000',
  RATE_LIMIT_NOTIFICATIONS_PER_MIN: '100000',
  RATE_LIMIT_LOGIN_PER_ACCOUNT: '10000',
  RATE_LIMIT_LOGIN_PER_ADDRESS: '100000',
  SLOW_REQUEST_MS: '600000',
});
