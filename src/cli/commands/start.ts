import { Command } from 'commander';
import { handleShutdownSignals, startServer, type RunningServer } from '../../app/server.js';
import { createAppLogger } from '../../app/app-logger.js';
import { configFrom, withConfigOption, type ConfigFlags } from '../config-options.js';
import { shopHasProducts, demoReportText } from '../../workflows/demo/index.js';
import { DEMO_REFUSED, loadDemoInto } from './demo.js';

interface StartFlags extends ConfigFlags {
  host?: string;
  port?: string;
  demo?: boolean;
}

/** `custodia start`: migrate the database and serve the API until SIGINT or SIGTERM. */
export function startCommand(): Command {
  return withConfigOption(
    new Command('start')
      .description('apply pending migrations, then serve the HTTP API until SIGINT or SIGTERM')
      .option('--host <host>', 'address to listen on (CUSTODIA_HOST, default 127.0.0.1)')
      .option('-p, --port <port>', 'port to listen on (CUSTODIA_PORT, default 3000)')
      .option(
        '--demo',
        'load the demo shop first if the shop is empty (see custodia demo), then serve as usual',
      ),
  ).action(async (flags: StartFlags) => {
    const config = configFrom(flags, { CUSTODIA_HOST: flags.host, CUSTODIA_PORT: flags.port });
    const logger = createAppLogger(config);
    const server = await startServer(config, { logger });
    handleShutdownSignals(server, config.shutdownTimeoutMs, logger);
    if (flags.demo === true) await startDemo(server);
  });
}

/**
 * `start --demo`: the demo goes into an empty shop only; a shop with products starts as
 * usual with a one-line notice. A demo that fails part-way is reported and the server
 * keeps serving what was loaded.
 */
async function startDemo(server: RunningServer): Promise<void> {
  if (await shopHasProducts(server.database.db)) {
    process.stderr.write(`custodia: demo not loaded: ${DEMO_REFUSED}\n`);
    return;
  }
  try {
    process.stdout.write(demoReportText(await loadDemoInto(server.app, server.url)));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`custodia: demo not fully loaded: ${message}\n`);
  }
}
