/**
 * Child process of `npm run bench:load`: one Classdesk sync server (`startServer`, configured
 * from the environment like `npm run server`, scheduler off), plus a bench-only IPC channel to
 * read its heap after a forced GC (run with `node --expose-gc`). Exits when the bench goes away.
 */
import { loadConfig } from '../../server/config.js';
import { startServer } from '../../server/server.js';
import { memorySnapshot, type ChildReply, type ChildRequest } from './load-ipc.js';

async function main(): Promise<void> {
  const server = await startServer(loadConfig(process.env), { scheduler: false });
  const send = (m: ChildReply) => process.send?.(m);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Sockets still open would make io.close() wait: drop them first.
    server.io.disconnectSockets(true);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('message', (m: ChildRequest) => {
    if (m.type === 'memory')
      send({ type: 'memory', ...memorySnapshot(), sockets: server.io.of('/').sockets.size });
    else if (m.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  send({ type: 'ready', url: server.url });
}

main().catch((err: unknown) => {
  console.error('load-server failed to start:', err);
  process.exit(1);
});
