import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyPluginAsync } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { App } from './http/app-type.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { migrationStatus, type Database, type PlatformTables } from '../platform/db/index.js';
import type { Logger } from '../platform/logging/index.js';
import { createMetrics } from '../platform/metrics/index.js';
import type { AuditSink } from '../privacy/audit/index.js';
import type { PrivacyKernel } from '../privacy/kernel/index.js';
import type { Config } from './config.js';
import { handleFrameworkError, registerErrorHandling } from './http/error-handler.js';
import { registerJsonBodyParser } from './http/json-body-parser.js';
import { healthRoutes, type ReadinessCheck } from './http/health-routes.js';
import { observabilityPlugin } from './http/observability-plugin.js';
import { openApiPlugin } from './http/openapi-plugin.js';
import {
  databaseRateLimitStore,
  loadRateLimitSecret,
  type RateLimitBucketTable,
} from './http/rate-limit-store.js';
import { generateRequestId } from './http/request-id.js';
import { securityPlugin } from './http/security-plugin.js';
import { openAuditSealing, type AuditSealingOptions } from './audit-sealing.js';
import { openCommerceModule, type CommerceWiring } from './commerce-module.js';
import { COMMERCE_WIRINGS } from './commerce-wirings.js';
import { openIdentityModule } from './identity-module.js';
import { MIGRATIONS } from './migrations.js';
import { StartupError } from './startup-error.js';
import { VERSION } from './version.js';

/** What the app is built from; everything is wired here by hand (no container). */
export interface AppDeps {
  readonly config: Config;
  /** An open, migrated database; its owner closes it. */
  readonly database: Database<PlatformTables>;
  /** Keys, vault and shredder: every module stores personal data through these. */
  readonly privacy: PrivacyKernel;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Extra plugins, registered after the core routes (embedders and tests). */
  readonly plugins?: readonly FastifyPluginAsync[];
  /** Where audit events go; the database's sealed log when absent. */
  readonly auditSink?: AuditSink;
  /** The shop's modules; the full list in `commerce-wirings.ts` when absent. */
  readonly commerce?: readonly CommerceWiring[];
  /** The background audit sealer (C3.3): on with its defaults unless `false`. */
  readonly auditSealing?: AuditSealingOptions | false;
}

export type { App } from './http/app-type.js';

function readTls(config: Config): { cert: Buffer; key: Buffer } | undefined {
  if (config.tls === undefined) return undefined;
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      throw new StartupError(`Cannot read the TLS ${what} at ${path} (${code})`);
    }
  };
  return {
    cert: read(config.tls.certPath, 'certificate'),
    key: read(config.tls.keyPath, 'private key'),
  };
}

function readinessOf(database: Database<PlatformTables>): ReadinessCheck {
  return async () => {
    try {
      const { pending } = await migrationStatus(database.db, MIGRATIONS);
      return pending.length === 0
        ? { ready: true }
        : { ready: false, reason: 'migrations pending' };
    } catch {
      return { ready: false, reason: 'database unreachable' };
    }
  };
}

/** Builds the Fastify app without listening: `server.ts` listens, tests use `inject`. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, database, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const tls = readTls(config);
  // One cast: with `https` set Fastify types the server as https.Server, but no module
  // touches the raw server, so every module sees the same App type.
  const app = Fastify({
    loggerInstance: logger,
    // Fastify's two lines per request are replaced by one of ours (observability-plugin).
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: 'requestId',
    }),
    genReqId: generateRequestId,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    frameworkErrors: handleFrameworkError,
    ...(tls === undefined ? {} : { https: tls }),
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerJsonBodyParser(app);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  const metrics = createMetrics();
  const rateLimitStore =
    config.rateLimit.store === 'database'
      ? databaseRateLimitStore(
          database.db.withTables<{ rate_limit_bucket: RateLimitBucketTable }>(),
          await loadRateLimitSecret(database.db),
          clock,
        )
      : undefined;
  await app.register(observabilityPlugin(metrics));
  await app.register(
    securityPlugin({ https: tls !== undefined, rateLimit: config.rateLimit, rateLimitStore }),
  );
  await app.register(openApiPlugin(VERSION));
  await app.register(healthRoutes(readinessOf(database)));
  const identity = openIdentityModule(
    config,
    database,
    deps.privacy,
    clock,
    logger,
    deps.auditSink,
  );
  app.decorate('identity', identity);
  app.addHook('onClose', async () => identity.close());
  for (const plugin of identity.plugins) await app.register(plugin);
  const commerce = await openCommerceModule(
    { config, database, privacy: deps.privacy, identity, clock, logger, metrics },
    deps.commerce ?? COMMERCE_WIRINGS,
  );
  app.decorate('commerce', commerce);
  app.addHook('onClose', async () => commerce.close());
  for (const plugin of commerce.plugins) await app.register(plugin);
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  const sealing =
    deps.auditSealing === false
      ? undefined
      : await openAuditSealing(config, database, identity.audit, clock, logger, deps.auditSealing);
  app.decorate('auditSealing', sealing);
  // Registered before ready (hooks cannot be added after); the loop starts only once the
  // app is ready, and stops, sealing what is left, before the database closes.
  app.addHook('onClose', async () => sealing?.stop());
  await app.ready();
  sealing?.start();
  commerce.start();
  return app;
}
