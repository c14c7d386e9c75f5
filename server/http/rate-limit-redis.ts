/**
 * Rate limits shared by every server process: @fastify/rate-limit's own Redis store (its Lua
 * scripts, its key layout) on the node-redis client the server already holds for socket.io.
 * The plugin's store is written for ioredis and only needs `defineCommand`; this gives it one
 * that runs each script by its digest (EVALSHA, loading it once). Without it, N processes
 * behind a load balancer would each count separately and let N times a limit through.
 */
import type { RedisClient } from '../realtime/redis-adapter.js';

type Callback = (err: Error | null, result?: unknown) => void;

export function rateLimitRedis(client: RedisClient): Record<string, unknown> {
  const shim: Record<string, unknown> = {
    defineCommand(name: string, def: { numberOfKeys: number; lua: string }) {
      // Every rate-limited request runs the script: send it once (SCRIPT LOAD), then its digest.
      let sha: string | undefined;
      const run = async (options: { keys: string[]; arguments: string[] }) => {
        if (sha !== undefined) {
          try {
            return await client.evalSha(sha, options);
          } catch (err) {
            // Redis restarted or flushed its scripts: load it again.
            if (!String(err).includes('NOSCRIPT')) throw err;
          }
        }
        sha = await client.scriptLoad(def.lua);
        return client.evalSha(sha, options);
      };
      shim[name] = (...args: unknown[]) => {
        const cb = args.pop() as Callback;
        const keys = args.slice(0, def.numberOfKeys).map(String);
        const rest = args.slice(def.numberOfKeys).map(String);
        run({ keys, arguments: rest }).then(
          (result) => cb(null, result),
          (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
        );
      };
    },
  };
  return shim;
}
