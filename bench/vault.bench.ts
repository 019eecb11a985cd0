import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../src/app/migrations.js';
import { systemClock } from '../src/platform/clock.js';
import { migrateToLatest, openDatabase, tablesOf } from '../src/platform/db/index.js';
import { openPrivacyKernel } from '../src/privacy/kernel/index.js';
import type { VaultTables } from '../src/privacy/vault/index.js';
import { medianRate, type Figure } from './harness.js';

const FIELDS = 50_000;
const ROUNDS = 7;

function syntheticValues(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `customer-${i}-${randomBytes(6).toString('hex')}@example.test`,
  );
}

/** Textbook AES-256-GCM with node:crypto: random nonce, AAD, and nonce ‖ ciphertext ‖ tag. */
function rawSeal(key: Buffer, value: string, aad: Buffer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

function rawOpen(key: Buffer, sealed: Buffer, aad: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([
    decipher.update(sealed.subarray(12, sealed.length - 16)),
    decipher.final(),
  ]).toString('utf8');
}

/**
 * Fields per second sealed and opened through the vault (cached data key, associated
 * data bound to table, column and row) against raw node:crypto AES-256-GCM over the same
 * values, measured alternately in one run.
 */
export async function vaultBenchmark(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'custodia-bench-vault-'));
  const database = await openDatabase({ dataDir });
  try {
    await migrateToLatest(database.db, MIGRATIONS);
    const kernel = await openPrivacyKernel(tablesOf<VaultTables>(database.db), {
      keyringPath: join(dataDir, 'keyring.json'),
      clock: systemClock,
    });
    const values = syntheticValues(FIELDS);
    const rowIds = values.map((_, i) => `cus_${i.toString().padStart(26, '0')}`);
    const writer = await kernel.vault.writer('sub_benchmark0000000000000000');
    const reader = await kernel.vault.reader('sub_benchmark0000000000000000');
    const rawKey = randomBytes(32);
    const aads = rowIds.map((id) => Buffer.from(`customers.email.${id}`));
    let sealed = values.map((value, i) => writer.seal('customers.email', rowIds[i] ?? '', value));
    let rawSealed = values.map((value, i) => rawSeal(rawKey, value, aads[i] ?? Buffer.alloc(0)));

    const rates = {
      vaultSeal: [] as number[],
      rawSeal: [] as number[],
      vaultOpen: [] as number[],
      rawOpen: [] as number[],
    };
    for (let round = 0; round < ROUNDS; round++) {
      rates.rawSeal.push(
        await medianRate(1, FIELDS, () => {
          rawSealed = values.map((value, i) => rawSeal(rawKey, value, aads[i] ?? Buffer.alloc(0)));
        }),
      );
      rates.vaultSeal.push(
        await medianRate(1, FIELDS, () => {
          sealed = values.map((value, i) => writer.seal('customers.email', rowIds[i] ?? '', value));
        }),
      );
      rates.rawOpen.push(
        await medianRate(1, FIELDS, () => {
          for (let i = 0; i < FIELDS; i++)
            rawOpen(rawKey, rawSealed[i] ?? Buffer.alloc(0), aads[i] ?? Buffer.alloc(0));
        }),
      );
      rates.vaultOpen.push(
        await medianRate(1, FIELDS, () => {
          for (let i = 0; i < FIELDS; i++)
            reader.open('customers.email', rowIds[i] ?? '', sealed[i] ?? Buffer.alloc(0));
        }),
      );
    }
    const median = (list: number[]) =>
      [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
    const m = {
      vaultSeal: median(rates.vaultSeal),
      rawSeal: median(rates.rawSeal),
      vaultOpen: median(rates.vaultOpen),
      rawOpen: median(rates.rawOpen),
    };
    return [
      { name: 'vault seal', value: m.vaultSeal, unit: 'fields/s' },
      { name: 'raw AES-256-GCM seal', value: m.rawSeal, unit: 'fields/s' },
      {
        name: 'vault seal cost (raw ÷ vault rate; target ≤ 1.5)',
        value: m.rawSeal / m.vaultSeal,
        unit: '×',
      },
      { name: 'vault open', value: m.vaultOpen, unit: 'fields/s' },
      { name: 'raw AES-256-GCM open', value: m.rawOpen, unit: 'fields/s' },
      {
        name: 'vault open cost (raw ÷ vault rate; target ≤ 1.5)',
        value: m.rawOpen / m.vaultOpen,
        unit: '×',
      },
    ];
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
