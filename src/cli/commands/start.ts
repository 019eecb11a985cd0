import { Command } from 'commander';
import { handleShutdownSignals, startServer } from '../../app/server.js';
import { createAppLogger } from '../../app/app-logger.js';
import { configFrom, withConfigOption, type ConfigFlags } from '../config-options.js';

interface StartFlags extends ConfigFlags {
  host?: string;
  port?: string;
}

/** `custodia start`: migrate the database and serve the API until SIGINT or SIGTERM. */
export function startCommand(): Command {
  return withConfigOption(
    new Command('start')
      .description('apply pending migrations, then serve the HTTP API until SIGINT or SIGTERM')
      .option('--host <host>', 'address to listen on (CUSTODIA_HOST, default 127.0.0.1)')
      .option('-p, --port <port>', 'port to listen on (CUSTODIA_PORT, default 3000)'),
  ).action(async (flags: StartFlags) => {
    const config = configFrom(flags, { CUSTODIA_HOST: flags.host, CUSTODIA_PORT: flags.port });
    const logger = createAppLogger(config);
    const server = await startServer(config, { logger });
    handleShutdownSignals(server, config.shutdownTimeoutMs, logger);
  });
}
