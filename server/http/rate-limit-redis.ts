/**
 * Rate limits shared by every server process: @fastify/rate-limit's own Redis store (its Lua
 * scripts, its key layout) on the node-redis client the server already holds for socket.io.
 * The plugin's store is written for ioredis and only needs `defineCommand`; this gives it one
 * that runs each script with EVAL. Without it, N processes behind a load balancer would each
 * count separately and let N times a limit through.
 */
import type { RedisClient } from '../realtime/redis-adapter.js';

type Callback = (err: Error | null, result?: unknown) => void;

export function rateLimitRedis(client: RedisClient): Record<string, unknown> {
  const shim: Record<string, unknown> = {
    defineCommand(name: string, def: { numberOfKeys: number; lua: string }) {
      shim[name] = (...args: unknown[]) => {
        const cb = args.pop() as Callback;
        const keys = args.slice(0, def.numberOfKeys).map(String);
        const rest = args.slice(def.numberOfKeys).map(String);
        client.eval(def.lua, { keys, arguments: rest }).then(
          (result) => cb(null, result),
          (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
        );
      };
    },
  };
  return shim;
}
