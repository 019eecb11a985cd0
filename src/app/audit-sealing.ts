import type { Clock } from '../platform/clock.js';
import { tablesOf, type Database } from '../platform/db/index.js';
import { isAppError } from '../platform/errors/index.js';
import type { Logger } from '../platform/logging/index.js';
import {
  AuditSealer,
  auditSigningKeyPath,
  DatabaseAuditSink,
  openAuditSigningKey,
  startSealer,
  type AuditSealTables,
  type AuditSigningKey,
  type AuditSink,
  type SealerLoop,
  type SealerTimers,
} from '../privacy/audit/index.js';
import type { Config } from './config.js';
import { StartupError } from './startup-error.js';

/** How the app's background sealer runs; defaults are issue 5's N = 1000 and T = 10 s. */
export interface AuditSealingOptions {
  /** T: seal and, if entries were sealed since the last, checkpoint this often (ms). */
  readonly intervalMs?: number;
  /** Seal at once when this many events were recorded by this process. */
  readonly pendingThreshold?: number;
  /** N: a checkpoint once this many entries were sealed since the last. */
  readonly checkpointEvery?: number;
  readonly timers?: SealerTimers;
}

/** The sealer of one app: started once the app is ready, stopped when it closes. */
export interface AuditSealing {
  readonly key: AuditSigningKey;
  readonly sealer: AuditSealer;
  /** The running loop; undefined before `start` and after `stop`. */
  readonly loop: SealerLoop | undefined;
  start(): void;
  /** Stops the loop, seals what is pending and publishes a last checkpoint. */
  stop(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The background sealer of the audit log (absent when disabled). */
    auditSealing: AuditSealing | undefined;
  }
}

/**
 * Opens the signing key beside the keyring (created on first start) and prepares the
 * sealer. Events this process records nudge it; events of other instances are sealed
 * on its timer, or by theirs: on PostgreSQL one instance seals at a time.
 */
export async function openAuditSealing<S>(
  config: Pick<Config, 'keyringPath'>,
  database: Database<S>,
  sink: AuditSink,
  clock: Clock,
  logger: Logger,
  options: AuditSealingOptions = {},
): Promise<AuditSealing> {
  const db = tablesOf<AuditSealTables>(database.db);
  let key: AuditSigningKey;
  try {
    key = await openAuditSigningKey(db, auditSigningKeyPath(config.keyringPath), clock);
  } catch (error) {
    if (isAppError(error)) throw new StartupError(error.message);
    throw error;
  }
  const intervalMs = options.intervalMs ?? 10_000;
  const sealer = new AuditSealer(db, {
    signer: key,
    clock,
    checkpointAfterMs: intervalMs,
    ...(options.checkpointEvery === undefined ? {} : { checkpointEvery: options.checkpointEvery }),
  });
  let loop: SealerLoop | undefined;
  let unsubscribe: (() => void) | undefined;
  return {
    key,
    sealer,
    get loop() {
      return loop;
    },
    start() {
      if (loop !== undefined) return;
      const started = startSealer(sealer, {
        intervalMs,
        ...(options.pendingThreshold === undefined
          ? {}
          : { pendingThreshold: options.pendingThreshold }),
        ...(options.timers === undefined ? {} : { timers: options.timers }),
        onError: (error) => logger.error({ err: error }, 'audit sealing failed'),
      });
      loop = started;
      if (sink instanceof DatabaseAuditSink) {
        unsubscribe = sink.onRecorded((count) => started.notify(count));
      }
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      const running = loop;
      loop = undefined;
      await running?.stop({ flush: true });
    },
  };
}
