// Stock through the catalog service: snapshots, reserve and release in the caller's
// transaction, and no overselling when many transactions race for the last units, on
// both engines (each reservation is one conditional UPDATE; rows are locked in id order).
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogService, Reservation } from '../../src/commerce/catalog/index.js';
import { newId } from '../../src/platform/ids.js';
import { bearer, createLoggedInStaff, type LoggedInStaff } from '../helpers/identity.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { patchVariant, postProduct } from '../helpers/shop.js';

/** Thrown inside a transaction to roll it back after a shortage, as checkout must. */
class Shortage extends Error {
  constructor(readonly reservation: Extract<Reservation, { ok: false }>) {
    super('shortage');
  }
}

/** Resolves once `count` parties have arrived: every transaction has read before any writes. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return async () => {
    arrived += 1;
    if (arrived === count) open();
    await opened;
  };
}

describeEachEngine('catalog stock', (engine) => {
  let t: TestApp;
  let admin: LoggedInStaff;
  let catalog: CatalogService;
  let db: Kysely<unknown>;

  /** A product whose variants have the given stock; returns the variant ids in order. */
  const stocked = async (
    ...stocks: number[]
  ): Promise<{ productId: string; variants: string[] }> => {
    const variants = stocks.map((stock, i) => ({
      title: `Edition ${i}`,
      sku: `PRINT-${randomBytes(5).toString('hex')}`,
      priceMinor: 2500 + i,
      stock,
    }));
    const product = await postProduct(t, admin, 'Limited print', variants);
    return { productId: product.id, variants: product.variants };
  };
  const stockOf = async (variantId: string) =>
    (await catalog.variants([variantId])).get(variantId)?.stock;
  const patchStock = (productId: string, variantId: string, payload: object) =>
    patchVariant(t, admin, productId, variantId, payload);

  beforeAll(async () => {
    // Room in the PostgreSQL pool for every racing transaction to hold a connection at once.
    t = await createTestApp(engine, { env: { CUSTODIA_DB_POOL_MAX: '24' } });
    admin = await createLoggedInStaff(t, ['admin']);
    catalog = t.app.commerce.services.catalog;
    db = t.database.db as Kysely<unknown>;
  });
  afterAll(async () => t.close());

  describe('variants()', () => {
    it('returns snapshots with product title, price, currency, stock and availability', async () => {
      const { productId, variants } = await stocked(4, 0);
      const [first = '', second = ''] = variants;
      const snapshots = await catalog.variants([first, second, first]);
      expect(snapshots.size).toBe(2);
      expect(snapshots.get(first)).toEqual({
        variantId: first,
        productId,
        productTitle: 'Limited print',
        variantTitle: 'Edition 0',
        sku: expect.stringMatching(/^PRINT-/) as string,
        priceMinor: 2500,
        currency: 'EUR',
        stock: 4,
        available: true,
      });
      expect(snapshots.get(second)).toMatchObject({ stock: 0, available: true });
    });

    it('leaves out unknown ids and ids of another shape', async () => {
      const { variants } = await stocked(1);
      const snapshots = await catalog.variants([
        newId('var'),
        'var_nope',
        `x${String.fromCharCode(0)}`,
        ...variants,
      ]);
      expect([...snapshots.keys()]).toEqual(variants);
      expect((await catalog.variants([])).size).toBe(0);
    });

    it('marks an archived variant, and every variant of an archived product, unavailable', async () => {
      const { productId, variants } = await stocked(3, 3);
      const [first = '', second = ''] = variants;
      await patchStock(productId, first, { archived: true });
      let snapshots = await catalog.variants(variants);
      expect(snapshots.get(first)?.available).toBe(false);
      expect(snapshots.get(second)?.available).toBe(true);
      await t.app.inject({
        method: 'POST',
        url: `/admin/products/${productId}/archive`,
        headers: bearer(admin),
      });
      snapshots = await catalog.variants(variants);
      expect(snapshots.get(second)?.available).toBe(false);
    });
  });

  describe('reserve() and release()', () => {
    it('takes stock in the caller’s transaction, summing lines of the same variant', async () => {
      const { variants } = await stocked(5, 2);
      const [first = '', second = ''] = variants;
      const result = await db.transaction().execute((trx) =>
        catalog.reserve(trx, [
          { variantId: second, quantity: 2 },
          { variantId: first, quantity: 1 },
          { variantId: first, quantity: 2 },
        ]),
      );
      expect(result).toEqual({ ok: true });
      expect(await stockOf(first)).toBe(2);
      expect(await stockOf(second)).toBe(0);
    });

    it('reports every short line with what is available, and the caller’s rollback keeps the stock', async () => {
      const { variants } = await stocked(5, 1, 0);
      const [plenty = '', one = '', none = ''] = variants;
      const attempt = db.transaction().execute(async (trx) => {
        const result = await catalog.reserve(trx, [
          { variantId: plenty, quantity: 2 },
          { variantId: one, quantity: 2 },
          { variantId: none, quantity: 1 },
        ]);
        if (!result.ok) throw new Shortage(result);
        return result;
      });
      const error = await attempt.then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(Shortage);
      const shortages = (error as Shortage).reservation.shortages;
      expect(shortages).toEqual(
        [
          { variantId: one, requested: 2, available: 1 },
          { variantId: none, requested: 1, available: 0 },
        ].sort((a, b) => (a.variantId < b.variantId ? -1 : 1)),
      );
      expect(await stockOf(plenty)).toBe(5);
      expect(await stockOf(one)).toBe(1);
    });

    it('treats archived, unknown and misshapen variants as having nothing available', async () => {
      const { productId, variants } = await stocked(9);
      const [archived = ''] = variants;
      await patchStock(productId, archived, { archived: true });
      const unknown = newId('var');
      const result = await db.transaction().execute(async (trx) => {
        const reservation = await catalog.reserve(trx, [
          { variantId: archived, quantity: 1 },
          { variantId: unknown, quantity: 1 },
          { variantId: 'bogus', quantity: 1 },
        ]);
        if (!reservation.ok) return reservation;
        throw new Error('reserved an unsellable variant');
      });
      expect(result.shortages.map((shortage) => shortage.available)).toEqual([0, 0, 0]);
      expect(await stockOf(archived)).toBe(9);
    });

    it('refuses quantities that are not positive integers', async () => {
      const { variants } = await stocked(3);
      const variantId = variants[0] ?? '';
      for (const quantity of [0, -1, 1.5, Number.NaN]) {
        await expect(
          db.transaction().execute((trx) => catalog.reserve(trx, [{ variantId, quantity }])),
        ).rejects.toThrow(RangeError);
      }
      expect(await stockOf(variantId)).toBe(3);
    });

    it('gives stock back with release()', async () => {
      const { variants } = await stocked(4);
      const variantId = variants[0] ?? '';
      await db.transaction().execute(async (trx) => {
        expect(await catalog.reserve(trx, [{ variantId, quantity: 4 }])).toEqual({ ok: true });
      });
      expect(await stockOf(variantId)).toBe(0);
      await db.transaction().execute((trx) => catalog.release(trx, [{ variantId, quantity: 3 }]));
      expect(await stockOf(variantId)).toBe(3);
    });

    it('cannot store a negative stock even by a direct write (CHECK constraint)', async () => {
      const { variants } = await stocked(1);
      await expect(
        sql`update variants set stock = -1 where id = ${variants[0] ?? ''}`.execute(db),
      ).rejects.toThrow();
      expect(await stockOf(variants[0] ?? '')).toBe(1);
    });
  });

  describe('concurrency: the last units', () => {
    // On PostgreSQL every transaction reads the stock, then all wait at a barrier before
    // any writes: they all saw enough stock, so only the conditional UPDATE stands between
    // them and overselling. SQLite runs one write transaction at a time, so there the
    // transactions queue, and each must still see what the previous one left.
    const racing = engine === 'postgres';

    async function race(
      parties: number,
      linesOf: (i: number) => { variantId: string; quantity: number }[],
      watched: string,
    ): Promise<{ succeeded: number; shortages: number }> {
      const arrive = barrier(parties);
      const outcomes = await Promise.allSettled(
        Array.from({ length: parties }, (_, i) =>
          db.transaction().execute(async (trx) => {
            await sql`select stock from variants where id = ${watched}`.execute(trx);
            if (racing) await arrive();
            const result = await catalog.reserve(trx, linesOf(i));
            if (!result.ok) throw new Shortage(result);
          }),
        ),
      );
      const unexpected = outcomes.filter(
        (outcome) => outcome.status === 'rejected' && !(outcome.reason instanceof Shortage),
      );
      expect(unexpected).toEqual([]);
      return {
        succeeded: outcomes.filter((outcome) => outcome.status === 'fulfilled').length,
        shortages: outcomes.filter((outcome) => outcome.status === 'rejected').length,
      };
    }

    it('lets exactly M of N parallel transactions take the last M units; stock ends at 0', async () => {
      const parties = 16;
      const last = 5;
      const { variants } = await stocked(last);
      const variantId = variants[0] ?? '';
      const outcome = await race(parties, () => [{ variantId, quantity: 1 }], variantId);
      expect(outcome).toEqual({ succeeded: last, shortages: parties - last });
      expect(await stockOf(variantId)).toBe(0);
    });

    it('sells no more than the stock when buyers want different quantities', async () => {
      const parties = 12;
      const { variants } = await stocked(10);
      const variantId = variants[0] ?? '';
      const wants = (i: number) => (i % 3) + 1;
      const outcome = await race(parties, (i) => [{ variantId, quantity: wants(i) }], variantId);
      const left = (await stockOf(variantId)) ?? -1;
      expect(left).toBeGreaterThanOrEqual(0);
      expect(left).toBeLessThan(3);
      expect(outcome.succeeded + outcome.shortages).toBe(parties);
    });

    it('does not deadlock when carts list the same variants in opposite orders', async () => {
      const parties = 12;
      const last = 3;
      const { variants } = await stocked(last, 100);
      const [scarce = '', common = ''] = variants;
      const outcome = await race(
        parties,
        (i) =>
          i % 2 === 0
            ? [
                { variantId: scarce, quantity: 1 },
                { variantId: common, quantity: 1 },
              ]
            : [
                { variantId: common, quantity: 1 },
                { variantId: scarce, quantity: 1 },
              ],
        scarce,
      );
      expect(outcome).toEqual({ succeeded: last, shortages: parties - last });
      expect(await stockOf(scarce)).toBe(0);
      // The losers rolled back: the common variant lost exactly one unit per winner.
      expect(await stockOf(common)).toBe(100 - last);
    });
  });
});
