/** `npm run server`: the sync server from environment variables (see docs/CONFIGURATION.md). */
import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const server = await startServer(config);
  // The first SIGTERM/SIGINT shuts down gracefully (see RunningServer.close); a second one exits at once.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      server.logger.warn({ signal }, 'second signal: exiting without finishing the shutdown');
      process.exit(1);
    }
    stopping = true;
    const drainMs = config.SHUTDOWN_DRAIN_SECONDS * 1000;
    server.logger.info({ signal, drainMs }, 'shutting down');
    server.close({ drainMs }).then(
      () => {
        server.logger.info('shutdown complete');
        process.exit(0);
      },
      (err: unknown) => {
        server.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Printed once the handlers are in place: whoever waits for this line may signal at once.
  console.log(
    `Classdesk sync server on ${server.url} (${server.database.dialect}; data in ${config.DATA_DIR})`,
  );
}

main().catch((err: unknown) => {
  console.error('Classdesk sync server failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
