// Expired carts are deleted: a sweep removes open carts (and their lines) that expired more
// than a grace period ago, in bounded batches, and never a checked-out cart (the record an
// order was placed from) nor a live one. The background loop runs it on a timer that never
// keeps the process alive and stops on close. Time is a test clock; timers are fired by hand.
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CART_SWEEP_FIRST_RUN_MS,
  CART_SWEEP_GRACE_MS,
  CART_SWEEP_INTERVAL_MS,
  createCartSweeper,
  sweepExpiredCarts,
  type CartSweepDeps,
  type CartsTables,
} from '../../src/commerce/carts/index.js';
import { ManualClock } from '../../src/platform/clock.js';
import { tablesOf } from '../../src/platform/db/index.js';
import {
  CARDS,
  checkoutForm,
  codeOf,
  createProduct,
  newCart,
  postCheckout,
  tokenFor,
} from '../helpers/shop.js';
import { handTimers } from '../helpers/hand-timers.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-engines.js';

const MINUTE = 60_000;

describeEachEngine('expired cart sweep', (engine) => {
  const clock = new ManualClock();
  let t: TestApp;
  let ttl: number;
  let variantId: string;

  const deps = (): CartSweepDeps => ({ db: tablesOf<CartsTables>(t.database.db), clock });
  const cart = () => newCart(t, [{ variantId, quantity: 2 }]);
  const existing = async (ids: readonly string[]) => {
    const rows = await deps()
      .db.selectFrom('carts')
      .select('id')
      .where('id', 'in', [...ids])
      .execute();
    return rows.map((row) => row.id).sort();
  };
  const linesOf = async (ids: readonly string[]) => {
    const rows = await deps()
      .db.selectFrom('cart_lines')
      .select('cart_id')
      .where('cart_id', 'in', [...ids])
      .execute();
    return rows.map((row) => row.cart_id).sort();
  };
  /** Past every cart made so far, and swept, so each test counts only its own carts. */
  const clearBacklog = async () => {
    clock.advance(ttl + CART_SWEEP_GRACE_MS + MINUTE);
    await sweepExpiredCarts(deps());
  };

  beforeAll(async () => {
    t = await createTestApp(engine, { clock });
    ttl = t.config.commerce.cartTtlMs;
    [variantId = ''] = await createProduct(t, [{ title: 'Plain', priceMinor: 800, stock: 1000 }]);
  });
  afterAll(async () => t.close());
  beforeEach(clearBacklog);

  it('deletes open carts expired more than the grace period ago, with their lines', async () => {
    const stale = await cart();
    const checkedOut = await cart();
    const placed = await postCheckout(t, checkedOut, checkoutForm(await tokenFor(t, CARDS.visa)));
    expect(placed.statusCode, placed.body).toBe(201);
    const { orderId } = placed.json<{ orderId: string }>();
    clock.advance(2 * MINUTE);
    const recent = await cart();
    // `stale` expired a grace period and a minute ago, `recent` a minute short of that.
    clock.advance(ttl + CART_SWEEP_GRACE_MS - MINUTE);
    const live = await cart();

    expect(await sweepExpiredCarts(deps())).toBe(1);
    const all = [stale, checkedOut, recent, live];
    expect(await existing(all)).toEqual([checkedOut, recent, live].sort());
    expect(await linesOf([stale])).toEqual([]);
    expect(await linesOf([recent, live])).toHaveLength(2);

    const status = async (id: string) => {
      const reply = await t.app.inject({ url: `/store/carts/${id}` });
      return `${reply.statusCode} ${codeOf(reply) ?? ''}`.trim();
    };
    expect(await status(stale)).toBe('404 CART_NOT_FOUND');
    expect(await status(recent)).toBe('410 CART_EXPIRED');
    expect(await status(checkedOut)).toBe('409 CART_CHECKED_OUT');
    expect(await status(live)).toBe('200');
    const order = await t.database.db
      .withTables<{ orders: { id: string } }>()
      .selectFrom('orders')
      .select('id')
      .where('id', '=', orderId)
      .execute();
    expect(order).toHaveLength(1);

    expect(await sweepExpiredCarts(deps())).toBe(0);
  });

  it('keeps a checked-out cart however long ago it expired', async () => {
    const checkedOut = await cart();
    const placed = await postCheckout(t, checkedOut, checkoutForm(await tokenFor(t, CARDS.visa)));
    expect(placed.statusCode, placed.body).toBe(201);
    clock.advance(10 * (ttl + CART_SWEEP_GRACE_MS));
    expect(await sweepExpiredCarts(deps())).toBe(0);
    expect(await existing([checkedOut])).toEqual([checkedOut]);
    expect(await linesOf([checkedOut])).toEqual([checkedOut]);
  });

  it('deletes a backlog in bounded batches, one statement each', async () => {
    const backlog: string[] = [];
    for (let i = 0; i < 7; i += 1) backlog.push(await cart());
    clock.advance(ttl + CART_SWEEP_GRACE_MS + MINUTE);
    let deletes = 0;
    const counting: KyselyPlugin = {
      transformQuery: ({ node }) => {
        if (node.kind === 'DeleteQueryNode') deletes += 1;
        return node;
      },
      transformResult: ({ result }) => Promise.resolve(result),
    };
    const counted = { ...deps(), db: deps().db.withPlugin(counting) };
    expect(await sweepExpiredCarts(counted, { batchSize: 3 })).toBe(7);
    expect(deletes).toBe(3);
    expect(await existing(backlog)).toEqual([]);
    expect(await linesOf(backlog)).toEqual([]);
  });

  it('stops before the next batch once aborted', async () => {
    const stale = await cart();
    clock.advance(ttl + CART_SWEEP_GRACE_MS + MINUTE);
    const aborted = AbortSignal.abort();
    expect(await sweepExpiredCarts(deps(), { signal: aborted })).toBe(0);
    expect(await existing([stale])).toEqual([stale]);
  });

  describe('the background loop', () => {
    it('sweeps shortly after start, then every interval, and stops on close', async () => {
      const stale = await cart();
      clock.advance(ttl + CART_SWEEP_GRACE_MS + MINUTE);
      const { timers, delays, fire } = handTimers();
      let swept: (deleted: number) => void = () => undefined;
      const sweeper = createCartSweeper(deps(), {
        timers,
        onSwept: (deleted) => swept(deleted),
        onError: (error) => {
          throw error;
        },
      });
      expect(delays()).toEqual([]);
      sweeper.start();
      sweeper.start();
      expect(delays()).toEqual([CART_SWEEP_FIRST_RUN_MS]);

      const first = new Promise<number>((resolve) => (swept = resolve));
      fire();
      expect(await first).toBe(1);
      expect(await existing([stale])).toEqual([]);
      expect(delays()).toEqual([CART_SWEEP_INTERVAL_MS]);

      await sweeper.close();
      expect(delays()).toEqual([]);
      sweeper.start();
      expect(delays()).toEqual([]);
    });

    it('waits on close for a sweep in progress and schedules no other', async () => {
      const stale = await cart();
      clock.advance(ttl + CART_SWEEP_GRACE_MS + MINUTE);
      const { timers, delays, fire } = handTimers();
      const swept: number[] = [];
      const sweeper = createCartSweeper(deps(), {
        timers,
        onSwept: (deleted) => swept.push(deleted),
        onError: (error) => {
          throw error;
        },
      });
      sweeper.start();
      fire();
      await sweeper.close();
      // The first batch was under way when close came; it finished, and nothing follows.
      expect(swept).toEqual([1]);
      expect(await existing([stale])).toEqual([]);
      expect(delays()).toEqual([]);
    });

    it('reports a failed sweep and tries again at the next interval', async () => {
      const { timers, delays, fire } = handTimers();
      const broken = {
        ...deps(),
        clock: {
          now: () => {
            throw Object.assign(new Error('clock unavailable'), { code: 'CLOCK_BROKEN' });
          },
        },
      };
      let failed: (error: unknown) => void = () => undefined;
      const sweeper = createCartSweeper(broken, {
        timers,
        onSwept: () => {
          throw new Error('a broken clock cannot sweep');
        },
        onError: (error) => failed(error),
      });
      sweeper.start();
      const failure = new Promise<unknown>((resolve) => (failed = resolve));
      fire();
      expect(await failure).toMatchObject({ code: 'CLOCK_BROKEN' });
      expect(delays()).toEqual([CART_SWEEP_INTERVAL_MS]);
      await sweeper.close();
    });
  });
});
