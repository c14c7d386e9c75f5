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
  console.log(
    `Classdesk sync server on ${server.url} (${server.database.dialect}; data in ${config.DATA_DIR})`,
  );
  const stop = (signal: string) => {
    server.logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('Classdesk sync server failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
