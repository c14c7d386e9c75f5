/**
 * The Redis stream that carries socket.io events between server processes keeps
 * REDIS_STREAM_MAX_LEN entries: what a process cut off from Redis can still catch up on. These
 * tests emit through the real adapter (server/realtime/redis-adapter.ts) on the machine's Redis
 * and read the stream's length back from Redis.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { loadConfig } from '../../server/config.js';
import { connectRedis, type RedisLink } from '../../server/realtime/redis-adapter.js';
import { REDIS_URL, redisAvailable } from '../support/cluster.js';
import { until } from '../support/until.js';
import { deleteRedisKeys } from '../support/redis-admin.js';

const HAS_REDIS = await redisAvailable();
const EMITS = 3_000;

interface Running {
  io: Server;
  link: RedisLink;
  http: http.Server;
  prefix: string;
}
const running: Running[] = [];

async function start(maxLen: number): Promise<Running> {
  const prefix = `classdesk-test-${randomBytes(5).toString('hex')}`;
  const link = await connectRedis(REDIS_URL, prefix, pino({ level: 'silent' }), { maxLen });
  const server = http.createServer();
  const io = new Server(server, { adapter: link.adapter, transports: ['websocket'] });
  const r = { io, link, http: server, prefix };
  running.push(r);
  return r;
}

/** Emits `EMITS` broadcasts and answers the stream's length once Redis has taken them all. */
async function lengthAfterEmits(r: Running): Promise<number> {
  for (let i = 0; i < EMITS; i++)
    r.io.to(`school:${i % 7}`).emit('poke', { school_id: i % 7, cursor: `c${i}` });
  const stream = `${r.prefix}:socket.io`;
  await until(
    'every emit to reach the stream',
    async () => {
      const info = await r.link.client.sendCommand<unknown[]>(['XINFO', 'STREAM', stream]);
      const added = Number(info[info.indexOf('entries-added') + 1]);
      return added >= EMITS ? true : undefined;
    },
    20_000,
  );
  return r.link.client.xLen(stream);
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.io.close();
    await r.link.close();
    await deleteRedisKeys(REDIS_URL, r.prefix);
  }
});

describe.skipIf(!HAS_REDIS)('the Redis stream of socket.io events', () => {
  test('is trimmed to about REDIS_STREAM_MAX_LEN entries', async () => {
    const r = await start(1_000);
    const length = await lengthAfterEmits(r);
    // MAXLEN ~ trims whole stream nodes (100 entries each by default), never below the limit.
    expect(length).toBeGreaterThanOrEqual(1_000);
    expect(length).toBeLessThan(1_200);
  });

  test('keeps every entry while the default limit is not reached', async () => {
    const r = await start(loadConfig({}).REDIS_STREAM_MAX_LEN);
    expect(await lengthAfterEmits(r)).toBe(EMITS);
  });
});
