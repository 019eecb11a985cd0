import type { FastifyPluginAsync } from 'fastify';
import type { Clock } from '../platform/clock.js';
import type { Database, NamedMigration, PlatformTables } from '../platform/db/index.js';
import type { ErrorCatalog } from '../platform/errors/index.js';
import type { Logger } from '../platform/logging/index.js';
import type { Metrics } from '../platform/metrics/index.js';
import type { PrivacyKernel } from '../privacy/kernel/index.js';
import type { Config } from './config.js';
import type { IdentityModule } from './identity-module.js';

/** What every commerce module is wired from: the platform, the privacy kernel and identity. */
export interface CommerceContext {
  readonly config: Config;
  readonly database: Database<PlatformTables>;
  readonly privacy: PrivacyKernel;
  /** Access engine, audit sink, consent ledger, mailer and the customer services. */
  readonly identity: IdentityModule;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The app's metrics registry, served on `GET /metrics`: modules register their own there. */
  readonly metrics: Metrics;
}

/**
 * The services commerce modules offer each other, filled as they open. Each wiring file
 * adds its own member by declaration merging, so a module's wiring can name the services
 * of the modules opened before it without any module importing another.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CommerceServices {}

/** What one module's wiring hands back: its routes, the services it offers, its lifecycle. */
export interface WiredModule {
  readonly plugins?: readonly FastifyPluginAsync[];
  readonly services?: Partial<CommerceServices>;
  /** Called once the app is ready (background workers). */
  start?(): void;
  /** Called when the app closes, before the database does. */
  close?(): Promise<void>;
}

/** One module's wiring: opened in list order, with the services of those before it. */
export interface CommerceWiring {
  readonly name: string;
  /** The module's schema changes; `migrations.ts` applies them after the core ones, in list order. */
  readonly migrations?: readonly NamedMigration[];
  /** The module's error catalogues, keyed by a name for docs/errors.md. */
  readonly errors?: Readonly<Record<string, ErrorCatalog>>;
  open(ctx: CommerceContext, services: CommerceServices): WiredModule | Promise<WiredModule>;
}

/** The commerce side of one app: routes to register, services, and their lifecycle. */
export interface CommerceModule {
  readonly services: CommerceServices;
  readonly plugins: readonly FastifyPluginAsync[];
  start(): void;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The shop's services: catalog, carts, orders, payments, shipping, refunds, support. */
    commerce: CommerceModule;
  }
}

/** Opens each wiring in order; a later module sees the services of the earlier ones. */
export async function openCommerceModule(
  ctx: CommerceContext,
  wirings: readonly CommerceWiring[],
): Promise<CommerceModule> {
  const services = {} as CommerceServices;
  const opened: WiredModule[] = [];
  try {
    for (const wiring of wirings) {
      const wired = await wiring.open(ctx, services);
      Object.assign(services, wired.services ?? {});
      opened.push(wired);
    }
  } catch (error) {
    await closeAll(opened);
    throw error;
  }
  return {
    services,
    plugins: opened.flatMap((wired) => wired.plugins ?? []),
    start: () => {
      for (const wired of opened) wired.start?.();
    },
    close: () => closeAll(opened),
  };
}

/** Closes in reverse order of opening; every module gets its turn even if one fails. */
async function closeAll(opened: readonly WiredModule[]): Promise<void> {
  const failures: unknown[] = [];
  for (const wired of [...opened].reverse()) {
    try {
      await wired.close?.();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}
