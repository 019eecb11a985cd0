import { isIP } from 'node:net';
import {
  DatabaseOpenError,
  MigrationFailedError,
  migrateToLatest,
  openDatabase,
} from '../platform/db/index.js';
import type { Database, PlatformTables } from '../platform/db/index.js';
import type { Logger } from '../platform/logging/index.js';
import { createAppLogger } from './app-logger.js';
import { buildApp, type App, type AppDeps } from './build-app.js';
import type { Config } from './config.js';
import { ensureWritableDataDir } from './data-dir.js';
import { MIGRATIONS } from './migrations.js';
import { openPrivacy } from './open-privacy.js';
import type { AuditSink } from '../privacy/audit/index.js';
import type { PrivacyKernel } from '../privacy/kernel/index.js';
import type { FieldCodec } from '../privacy/vault/index.js';
import { StartupError } from './startup-error.js';

/** A running server and how to stop it. */
export interface RunningServer {
  readonly app: App;
  readonly url: string;
  readonly database: Database<PlatformTables>;
  readonly privacy: PrivacyKernel;
  /** Stops accepting, finishes requests in flight, closes the database. */
  close(): Promise<void>;
}

/** Extra wiring for embedders and tests. */
export interface ServerOptions {
  readonly logger?: Logger;
  readonly plugins?: AppDeps['plugins'];
  /** Another field codec than AES-256-GCM (benchmarks measuring encryption's cost). */
  readonly codec?: FieldCodec;
  /** Another audit sink than the database's (benchmarks measuring the log's cost). */
  readonly auditSink?: AuditSink;
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Opens the database, applies migrations and returns it; failures become one-line StartupErrors. */
export async function openMigratedDatabase(config: Config): Promise<Database<PlatformTables>> {
  ensureWritableDataDir(config.dataDir);
  let database: Database<PlatformTables>;
  try {
    database = await openDatabase<PlatformTables>({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      poolMax: config.dbPoolMax,
    });
  } catch (error) {
    if (error instanceof DatabaseOpenError) throw new StartupError(error.message);
    throw error;
  }
  try {
    await migrateToLatest(database.db, MIGRATIONS);
  } catch (error) {
    await database.close();
    if (error instanceof MigrationFailedError) throw new StartupError(error.message);
    throw error;
  }
  return database;
}

async function listen(app: App, config: Config): Promise<string> {
  try {
    return await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE')
      throw new StartupError(`Port ${config.port} on ${config.host} is already in use`);
    if (code === 'EACCES')
      throw new StartupError(`Not permitted to listen on ${config.host}:${config.port}`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new StartupError(`Cannot listen on host ${config.host}: no such local address`);
    }
    throw error;
  }
}

/** Starts the service: database, migrations, app, listening socket. */
export async function startServer(
  config: Config,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createAppLogger(config);
  const database = await openMigratedDatabase(config);
  let app: App;
  let privacy: PrivacyKernel;
  try {
    privacy = await openPrivacy(config, database, undefined, options.codec);
    app = await buildApp({
      config,
      database,
      privacy,
      logger,
      plugins: options.plugins ?? [],
      ...(options.auditSink === undefined ? {} : { auditSink: options.auditSink }),
    });
  } catch (error) {
    await database.close();
    throw error;
  }
  let url: string;
  try {
    url = await listen(app, config);
  } catch (error) {
    await app.close();
    await database.close();
    throw error;
  }
  if (privacy.reshredded > 0) {
    // The database was restored from before some erasures: they were applied again (C4.4).
    logger.warn({ subjects: privacy.reshredded }, 'erasures re-applied from the shred journal');
  }
  if (config.tls === undefined && !isLoopbackHost(config.host)) {
    // C2.2: personal data must not cross a network in the clear.
    logger.warn(
      { host: config.host },
      'serving plain HTTP on a non-loopback address; set CUSTODIA_TLS_CERT and CUSTODIA_TLS_KEY or put a TLS proxy in front',
    );
  }
  logger.info({ url, database: database.description }, 'custodia listening');
  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    database,
    privacy,
    close: () => {
      closing ??= (async () => {
        // Node closes the connections that are idle when closing starts, but one whose
        // request is still in flight would then stay open for Fastify's keepAliveTimeout
        // (72 s) after its answer (fastify#7044) and outlive the shutdown timeout. Node
        // reads this value when each answer finishes, so such a connection closes at once.
        app.server.keepAliveTimeout = 1;
        await app.close();
        await database.close();
      })();
      return closing;
    },
  };
}

/**
 * Stops the server on SIGINT or SIGTERM: no new connections, requests in flight finish,
 * the database closes, the process exits; after the timeout it exits regardless.
 */
export function handleShutdownSignals(
  server: RunningServer,
  timeoutMs: number,
  logger: Logger,
): void {
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    server.close().then(
      () => {
        logger.info('shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
