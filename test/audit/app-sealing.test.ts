// C3.3 wiring: the app opens (or creates) the signing key beside the keyring, starts the
// sealer once ready, seals when its own events reach the threshold, and on close seals
// what is left, publishes a last checkpoint and leaves no timer behind.
import { chmodSync, statSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AuditSealingOptions } from '../../src/app/audit-sealing.js';
import { buildApp, type App } from '../../src/app/build-app.js';
import { loadConfig, type Config } from '../../src/app/config.js';
import { openPrivacy } from '../../src/app/open-privacy.js';
import { openMigratedDatabase } from '../../src/app/server.js';
import { StartupError } from '../../src/app/startup-error.js';
import { tablesOf, type Database, type PlatformTables } from '../../src/platform/db/index.js';
import {
  auditSigningKeyPath,
  verifyAuditLog,
  type AuditSealTables,
  type SealerTimers,
} from '../../src/privacy/audit/index.js';
import { captureLogs } from '../helpers/log-capture.js';
import { createTestStore, describeEachEngine, type TestStore } from '../helpers/test-engines.js';
import { syntheticEvent } from './audit-log-fixture.js';

/** Timers the test can count: the loop must leave none behind. */
function countedTimers(): SealerTimers & { readonly live: Set<unknown> } {
  const live = new Set<unknown>();
  return {
    live,
    setTimeout: (callback, ms) => {
      const handle = setTimeout(() => {
        live.delete(handle);
        callback();
      }, ms);
      live.add(handle);
      return handle;
    },
    clearTimeout: (handle) => {
      clearTimeout(handle as NodeJS.Timeout);
      live.delete(handle);
    },
  };
}

describeEachEngine('audit sealing in the app (C3.3)', (engine) => {
  let store: TestStore;
  let config: Config;
  let database: Database<PlatformTables>;
  const db = () => tablesOf<AuditSealTables>(database.db);

  beforeEach(async () => {
    store = await createTestStore(engine);
    config = loadConfig({ env: { ...store.env, CUSTODIA_LOG_LEVEL: 'silent' } });
    database = await openMigratedDatabase(config);
  });
  afterEach(async () => {
    await database.close();
    await store.cleanup();
  });

  async function build(auditSealing: AuditSealingOptions | false): Promise<App> {
    const privacy = await openPrivacy(config, database);
    return buildApp({ config, database, privacy, logger: captureLogs().logger, auditSealing });
  }

  it('creates the signing key beside the keyring, mode 0600, on first start', async () => {
    const app = await build({ intervalMs: 3_600_000 });
    const path = auditSigningKeyPath(config.keyringPath);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(app.auditSealing?.key.keyId).toMatch(/^[0-9a-f]{16}$/);
    await app.close();
  });

  it('seals at once when its events reach the threshold, and on close seals the rest', async () => {
    const timers = countedTimers();
    const app = await build({ intervalMs: 3_600_000, pendingThreshold: 3, timers });
    const sealing = app.auditSealing;
    const loop = sealing?.loop;
    expect(loop).toBeDefined();
    expect(timers.live.size).toBe(1);
    const run = loop?.nextRun();
    await app.identity.audit.record([syntheticEvent(1), syntheticEvent(2)]);
    await app.identity.audit.record([syntheticEvent(3)]);
    expect(await run).toMatchObject({ sealed: 3, treeSize: 3, checkpoints: 1 });
    await app.identity.audit.record([syntheticEvent(4)]);
    await app.close();
    expect(timers.live.size).toBe(0);
    expect(app.auditSealing?.loop).toBeUndefined();
    const pending = await db()
      .selectFrom('audit_events')
      .select('id')
      .where('seq', 'is', null)
      .execute();
    expect(pending).toEqual([]);
    const key = sealing?.key.publicKey;
    expect(key && (await verifyAuditLog(db(), key))).toEqual({
      ok: true,
      entries: 4,
      checkpoints: 2,
      coveredEntries: 4,
    });
  });

  it('starts no sealer when disabled', async () => {
    const app = await build(false);
    expect(app.auditSealing).toBeUndefined();
    await app.identity.audit.record([syntheticEvent(5)]);
    await app.close();
    const sealed = await db().selectFrom('audit_events').select('seq').execute();
    expect(sealed.map((row) => row.seq)).toEqual([null]);
  });

  it('refuses to start with a signing key that group or others can read', async () => {
    const first = await build({ intervalMs: 3_600_000 });
    await first.close();
    chmodSync(auditSigningKeyPath(config.keyringPath), 0o644);
    const error: unknown = await build({ intervalMs: 3_600_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(
      /audit-signing\.json can be read by group or others \(mode 644\)/,
    );
  });
});
