/**
 * Sign-in throttling that a stranger cannot turn into a lockout (docs/DEPLOYMENT.md, "Sign-in
 * throttling"). Besides the route's per-address limit (RATE_LIMIT_LOGIN_PER_ADDRESS):
 * - per account and address: after RATE_LIMIT_LOGIN_PER_ACCOUNT wrong passwords in the window,
 *   each further wrong password from that address makes it wait before its next attempt at that
 *   account — 1 s, then 2, 4, 8 … up to the window. A right password clears its count.
 * - per account, from every address together: past RATE_LIMIT_LOGIN_ACCOUNT_SLOW_AFTER wrong
 *   passwords in the window (a guess spread over many addresses), every address waits after its
 *   first wrong password already. That only slows guessing: an address that gave no wrong
 *   password for the account is never made to wait, so the real teacher still signs in.
 * Counts live in memory, or in Redis when several processes share one (REDIS_URL).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { RedisClient } from '../realtime/redis-adapter.js';
import { AppError } from '../domain/errors.js';

export interface LoginThrottleStore {
  /** Milliseconds before `key` may try again (0: now). */
  waitLeft(key: string): Promise<number>;
  /** Counts one wrong password under each key (the count lasts `windowMs` from the first). */
  count(keys: [string, string], windowMs: number): Promise<[number, number]>;
  /** `key` must wait `ms` before its next attempt. */
  wait(key: string, ms: number): Promise<void>;
  clear(keys: string[]): Promise<void>;
}

export interface LoginThrottleOptions {
  /** Wrong passwords one address may give for one account in the window without waiting. */
  freeFailures: number;
  /** Wrong passwords for one account, all addresses together, after which every address waits at once. */
  accountSlowAfter: number;
  windowMs: number;
}

const SECOND = 1000;

export class LoginThrottle {
  constructor(
    private readonly store: LoginThrottleStore,
    private readonly opts: LoginThrottleOptions,
    private readonly log: Pick<FastifyBaseLogger, 'warn'>,
  ) {}

  /**
   * Call before checking a password: throws 429 (with Retry-After) while this address must wait
   * for this account. The result reports how the check went.
   */
  async begin(
    email: string,
    address: string,
  ): Promise<{ failed(): Promise<void>; succeeded(): Promise<void> }> {
    const account = email.trim().toLowerCase();
    const pair = `login-fail:${address}:${account}`;
    const waitKey = `login-wait:${address}:${account}`;
    const left = await this.safely(() => this.store.waitLeft(waitKey), 0);
    if (left > 0) {
      const s = Math.max(1, Math.ceil(left / SECOND));
      throw new AppError(
        429,
        'rate_limited',
        `too many wrong passwords for this account from your address: try again in ${s} s`,
        undefined,
        { 'Retry-After': String(s) },
      );
    }
    return {
      failed: () =>
        this.safely(async () => {
          const [n, all] = await this.store.count(
            [pair, `login-fail-account:${account}`],
            this.opts.windowMs,
          );
          const free = all > this.opts.accountSlowAfter ? 0 : this.opts.freeFailures;
          if (n < free) return;
          const ms = Math.min(SECOND * 2 ** Math.min(n - free, 30), this.opts.windowMs);
          await this.store.wait(waitKey, ms);
        }, undefined),
      succeeded: () => this.safely(() => this.store.clear([pair, waitKey]), undefined),
    };
  }

  // As the HTTP rate limits do (skipOnError): a store that cannot be reached slows nobody down.
  private async safely<T>(f: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await f();
    } catch (err) {
      this.log.warn({ err }, 'sign-in throttle unavailable: attempt not counted');
      return fallback;
    }
  }
}

/** One process's counts, bounded: the oldest keys go first past `maxKeys`. */
export function memoryThrottleStore(now: () => number = Date.now, maxKeys = 100_000): LoginThrottleStore {
  const entries = new Map<string, { n: number; until: number }>();
  const live = (key: string) => {
    const e = entries.get(key);
    if (e && e.until <= now()) entries.delete(key);
    return e && e.until > now() ? e : undefined;
  };
  const put = (key: string, e: { n: number; until: number }) => {
    entries.delete(key);
    entries.set(key, e);
    for (const oldest of entries.keys()) {
      if (entries.size <= maxKeys) break;
      entries.delete(oldest);
    }
  };
  return {
    waitLeft: (key) => Promise.resolve(Math.max(0, (live(key)?.until ?? 0) - now())),
    count(keys, windowMs) {
      const counts = keys.map((key) => {
        const e = live(key) ?? { n: 0, until: now() + windowMs };
        put(key, { n: e.n + 1, until: e.until });
        return e.n + 1;
      });
      return Promise.resolve(counts as [number, number]);
    },
    wait(key, ms) {
      put(key, { n: 0, until: now() + ms });
      return Promise.resolve();
    },
    clear(keys) {
      for (const key of keys) entries.delete(key);
      return Promise.resolve();
    },
  };
}

/** Counts shared by every process, under `<prefix>:rate-limit:` with the HTTP rate limits. */
export function redisThrottleStore(client: RedisClient, prefix: string): LoginThrottleStore {
  const k = (key: string) => `${prefix}:rate-limit:${key}`;
  return {
    async waitLeft(key) {
      return Math.max(0, await client.pTTL(k(key)));
    },
    async count(keys, windowMs) {
      const m = client.multi();
      // The window starts with the first wrong password: SET NX gives the key its lifetime, INCR keeps it.
      for (const key of keys)
        m.set(k(key), 0, { condition: 'NX', expiration: { type: 'PX', value: windowMs } }).incr(k(key));
      const replies = await m.exec();
      return [Number(replies[1]), Number(replies[3])];
    },
    async wait(key, ms) {
      await client.set(k(key), 1, { expiration: { type: 'PX', value: ms } });
    },
    async clear(keys) {
      await client.del(keys.map(k));
    },
  };
}
