import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { createAppLogger } from '../../app/app-logger.js';
import { buildApp, type App } from '../../app/build-app.js';
import type { Config } from '../../app/config.js';
import { openPrivacy } from '../../app/open-privacy.js';
import { openMigratedDatabase } from '../../app/server.js';
import {
  demoReportJson,
  demoReportText,
  loadDemo,
  shopHasProducts,
  type DemoProgress,
  type DemoReport,
} from '../../workflows/demo/index.js';
import { configFrom, withConfigOption, type ConfigFlags } from '../config-options.js';

interface DemoFlags extends ConfigFlags {
  json?: boolean;
}

/** The one line printed when the shop is not empty. */
export const DEMO_REFUSED = 'the shop already has products; the demo loads only into an empty shop';

/**
 * Progress on stderr, so that stdout carries only the logins (text or JSON): a bar on a
 * terminal, one plain line per step otherwise.
 */
export function demoProgress(): DemoProgress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'Loading the demo shop [{bar}] {value}/{total} {label}',
        hideCursor: true,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    let done = 0;
    return {
      start: (total) => bar.start(total, 0, { label: '' }),
      step: (label) => bar.update((done += 1), { label }),
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  let done = 0;
  return {
    start: (count) => void (total = count),
    step: (label) =>
      void process.stderr.write(`Loading the demo shop: ${(done += 1)}/${total} ${label}\n`),
    stop: () => undefined,
  };
}

/** Where the API will be reached once `custodia start` runs with this config. */
export function configuredUrl(config: Config): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `${config.tls === undefined ? 'http' : 'https'}://${host}:${config.port}`;
}

/**
 * Loads the demo into a running app and lets the outbox deliver what the demo's orders
 * enqueued (confirmation mail) before the caller goes on.
 */
export async function loadDemoInto(app: App, url: string): Promise<DemoReport> {
  const report = await loadDemo(
    { http: app, staff: app.identity.staff },
    { url, progress: demoProgress() },
  );
  await app.commerce.services.outbox.drain();
  return report;
}

/** `custodia demo`: fill an empty shop with demo data and print how to log in. */
export function demoCommand(): Command {
  return withConfigOption(
    new Command('demo')
      .description(
        'load a small demo shop into an empty shop (products, customers, orders, a support ticket and a staff account of every role) and print how to log in',
      )
      .option('--json', 'print the logins, orders and curl examples as JSON'),
  ).action(async (flags: DemoFlags) => {
    const config = configFrom(flags);
    // Warnings and errors only, on stderr: stdout is for the logins.
    const logger = createAppLogger({ logLevel: 'warn' }, process.stderr);
    const database = await openMigratedDatabase(config);
    let report: DemoReport;
    try {
      if (await shopHasProducts(database.db)) {
        process.stderr.write(`custodia: ${DEMO_REFUSED}\n`);
        process.exitCode = 1;
        return;
      }
      const privacy = await openPrivacy(config, database);
      const app = await buildApp({ config, database, privacy, logger });
      try {
        report = await loadDemoInto(app, configuredUrl(config));
      } finally {
        await app.close();
      }
    } finally {
      await database.close();
    }
    process.stdout.write(
      flags.json === true
        ? demoReportJson(report)
        : `${demoReportText(report)}\nStart the server with: custodia start\n`,
    );
  });
}
