/**
 * Several server processes share their socket.io rooms through Redis streams
 * (@socket.io/redis-streams-adapter): an emit, `socketsJoin`/`socketsLeave` or
 * `disconnectSockets` on one process reaches the sockets of every process. A stream rather than
 * PUB/SUB keeps the events while a process's connection to Redis blips: once reconnected, each
 * process reads on from the last entry it saw. The stream and channel names carry `REDIS_PREFIX`,
 * so deployments (or test runs) sharing one Redis stay apart.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import type { Logger } from 'pino';

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisLink {
  /** The socket.io adapter factory (`new Server(…, { adapter })`). */
  adapter: ReturnType<typeof createAdapter>;
  client: RedisClient;
  /** Closes the connection (after socket.io has closed its adapter). */
  close(): Promise<void>;
}

/** Attempts before a server that has never reached Redis gives up starting. */
const FIRST_CONNECT_ATTEMPTS = 5;

export interface StreamOptions {
  /** Entries the stream keeps (`XADD MAXLEN ~`): how far back a process that lost Redis can catch up. */
  maxLen: number;
}

export async function connectRedis(
  url: string,
  prefix: string,
  log: Logger,
  stream: StreamOptions,
): Promise<RedisLink> {
  let connected = false;
  let down = false;
  const client: RedisClient = createClient({
    url,
    socket: {
      connectTimeout: 5_000,
      // Until the first connection a wrong address fails the start; afterwards a lost connection
      // is retried for ever (the adapter's offline queue keeps the events meanwhile).
      reconnectStrategy: (retries: number, cause: Error) =>
        !connected && retries >= FIRST_CONNECT_ATTEMPTS
          ? new Error(`cannot reach Redis: ${cause.message}`)
          : Math.min(50 * 2 ** retries, 2_000) + Math.floor(Math.random() * 100),
    },
  });
  // One line per outage, not one per retry.
  client.on('error', (err: unknown) => {
    if (down) return;
    down = true;
    log.error({ err }, 'lost the connection to Redis; retrying');
  });
  client.on('ready', () => {
    if (down) log.info('reconnected to Redis');
    connected = true;
    down = false;
  });
  await client.connect();
  const name = `${prefix}:socket.io`;
  const adapter = createAdapter(client, {
    streamName: name,
    channelPrefix: name,
    sessionKeyPrefix: `${prefix}:socket.io:session:`,
    maxLen: stream.maxLen,
  });
  return {
    adapter,
    client,
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}
