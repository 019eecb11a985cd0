import type { FastifyPluginAsync } from 'fastify';
import { buildApp, type App } from '../../src/app/build-app.js';
import { loadConfig, type Config } from '../../src/app/config.js';
import { openMigratedDatabase } from '../../src/app/server.js';
import { openPrivacy } from '../../src/app/open-privacy.js';
import type { Clock } from '../../src/platform/clock.js';
import type { PrivacyKernel } from '../../src/privacy/kernel/index.js';
import type { Database, PlatformTables } from '../../src/platform/db/index.js';
import { captureLogs, type CapturedLogger } from './log-capture.js';
import { createTestStore, type TestStore } from './test-engines.js';

/** An app on a fresh store, with its logs captured. */
export interface TestApp {
  readonly app: App;
  readonly config: Config;
  readonly database: Database<PlatformTables>;
  readonly privacy: PrivacyKernel;
  readonly store: TestStore;
  readonly logs: CapturedLogger;
  close(): Promise<void>;
}

/** Options for a test app: extra settings and extra routes. */
export interface TestAppOptions {
  readonly env?: Record<string, string>;
  readonly plugins?: readonly FastifyPluginAsync[];
  /** Reuse a store (several app instances on one database). */
  readonly store?: TestStore;
  /** A clock the test moves (session expiry, lockouts); the wall clock when absent. */
  readonly clock?: Clock;
}

/** Builds an app exactly as the server does, on a fresh database of the given engine. */
export async function createTestApp(
  engine: 'sqlite' | 'postgres',
  options: TestAppOptions = {},
): Promise<TestApp> {
  const store = options.store ?? (await createTestStore(engine));
  const config = loadConfig({
    env: { CUSTODIA_LOG_LEVEL: 'trace', ...store.env, ...options.env },
  });
  const database = await openMigratedDatabase(config);
  const logs = captureLogs();
  let app: App;
  let privacy: PrivacyKernel;
  try {
    privacy = await openPrivacy(config, database, options.clock);
    app = await buildApp({
      config,
      database,
      privacy,
      logger: logs.logger,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      plugins: options.plugins ?? [],
    });
  } catch (error) {
    // A refused startup (a bad roles file…) must not leave a pool or a store behind.
    await database.close();
    if (options.store === undefined) await store.cleanup();
    throw error;
  }
  return {
    app,
    config,
    database,
    privacy,
    store,
    logs,
    close: async () => {
      await app.close();
      await database.close();
      if (options.store === undefined) await store.cleanup();
    },
  };
}
