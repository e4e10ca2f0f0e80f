/**
 * Process entry: read .env if present, validate the environment (one message naming every problem), build the app,
 * start it, and stop cleanly on SIGTERM/SIGINT (in-flight work finishes, nothing accepted is dropped).
 */
import { existsSync } from 'node:fs';
import { createApp } from './app.js';
import { ConfigError, loadConfig, secretValues } from './config.js';
import { createLogger } from './log.js';

if (existsSync('.env')) process.loadEnvFile('.env');

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger({ level: config.logLevel, secrets: secretValues(config) });
process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { err: reason }));

let running;
try {
  running = await createApp(config, { logger });
} catch (err) {
  logger.error('could not start: check SLACK_BOT_TOKEN and SLACK_API_URL (npx routine-bot doctor tells more)', { err });
  process.exit(1);
}
const port = await running.start();
logger.info('omni-routine-bot is running', { mode: config.slack.mode, port, team: running.teamId });

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping: finishing accepted work', { signal, inFlight: running.inFlight.size() });
    running
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error('unclean stop', { err });
        process.exit(1);
      });
  });
}
