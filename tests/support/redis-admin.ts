/** Deletes every key under a prefix (`<prefix>:…`), on a connection of its own, e.g. after a test. */
import { createClient } from 'redis';

export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = createClient({ url });
  redis.on('error', () => undefined);
  await redis.connect();
  try {
    // SCAN, not KEYS: a shared Redis is not blocked while a large keyspace is walked.
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}:*`, COUNT: 100 }))
      if (keys.length > 0) await redis.del(keys);
  } finally {
    await redis.close();
  }
}
