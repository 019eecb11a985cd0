// Bringing an archived product back: POST /admin/products/:id/restore puts it on the store
// again, mirrors archiving (restoring an active product changes nothing), leaves variants
// archived on their own as they are, and makes carts holding it whole again.
import { expect, it } from 'vitest';
import { newId } from '../../src/platform/ids.js';
import { createLoggedInStaff } from '../helpers/identity.js';
import { codeOf } from '../helpers/shop.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { useCatalogAdmin, type AdminProduct } from './catalog-admin-world.js';

interface StoreCart {
  id: string;
  lines: { available: boolean }[];
  subtotalMinor: number;
}

describeEachEngine('admin catalog: restore', (engine) => {
  const world = useCatalogAdmin(engine);
  const { send, create } = world;
  const restore = (id: string) => send('POST', `/admin/products/${id}/restore`);
  const onStore = async (id: string) =>
    (await world.t.app.inject({ url: `/store/products/${id}` })).statusCode;

  it('puts an archived product back on the store; restoring again changes nothing', async () => {
    const product = await create();
    const archived = await send('POST', `/admin/products/${product.id}/archive`);
    expect(archived.json<AdminProduct>().status).toBe('archived');
    expect(await onStore(product.id)).toBe(404);

    const first = await restore(product.id);
    expect(first.statusCode, first.body).toBe(200);
    const restored = first.json<AdminProduct>();
    expect(restored.status).toBe('active');
    expect(restored.variants).toEqual(product.variants);
    expect(await onStore(product.id)).toBe(200);

    const again = await restore(product.id);
    expect(again.statusCode).toBe(200);
    expect(again.json<AdminProduct>()).toEqual(restored);
  });

  it('answers an active product with 200 and leaves it untouched, as archive does an archived one', async () => {
    const product = await create();
    const response = await restore(product.id);
    expect(response.statusCode).toBe(200);
    expect(response.json<AdminProduct>()).toEqual(product);
  });

  it('keeps a variant archived on its own archived', async () => {
    const product = await create();
    const [kept, alone] = product.variants;
    if (kept === undefined || alone === undefined) throw new Error('two variants expected');
    await send('PATCH', `/admin/products/${product.id}/variants/${alone.id}`, { archived: true });
    await send('POST', `/admin/products/${product.id}/archive`);
    const restored = (await restore(product.id)).json<AdminProduct>();
    expect(restored.variants.map((variant) => [variant.id, variant.archived])).toEqual([
      [kept.id, false],
      [alone.id, true],
    ]);
    const shown = await world.t.app.inject({ url: `/store/products/${product.id}` });
    expect(shown.json<{ variants: { id: string }[] }>().variants.map((v) => v.id)).toEqual([
      kept.id,
    ]);
  });

  it('makes cart lines of the product count again', async () => {
    const product = await create();
    const variantId = product.variants[0]?.id ?? '';
    const cart = (await world.t.app.inject({ method: 'POST', url: '/store/carts' })).json<{
      id: string;
    }>();
    const added = await world.t.app.inject({
      method: 'POST',
      url: `/store/carts/${cart.id}/lines`,
      payload: { variantId, quantity: 2 },
    });
    expect(added.statusCode, added.body).toBe(200);
    const read = async () =>
      (await world.t.app.inject({ url: `/store/carts/${cart.id}` })).json<StoreCart>();

    await send('POST', `/admin/products/${product.id}/archive`);
    const whileArchived = await read();
    expect(whileArchived.lines.map((line) => line.available)).toEqual([false]);
    expect(whileArchived.subtotalMinor).toBe(0);

    await restore(product.id);
    const afterRestore = await read();
    expect(afterRestore.lines.map((line) => line.available)).toEqual([true]);
    expect(afterRestore.subtotalMinor).toBe(2 * 4900);
  });

  it('answers 404 PRODUCT_NOT_FOUND for an unknown id and for an id of another shape', async () => {
    for (const id of [newId('prd'), 'not-an-id', newId('var')]) {
      const response = await restore(id);
      expect(response.statusCode).toBe(404);
      expect(codeOf(response)).toBe('PRODUCT_NOT_FOUND');
    }
  });

  it('refuses staff without catalog.manage with 403 PERMISSION_DENIED and restores nothing', async () => {
    const product = await create();
    await send('POST', `/admin/products/${product.id}/archive`);
    const fulfilment = await createLoggedInStaff(world.t, ['fulfilment']);
    const response = await send(
      'POST',
      `/admin/products/${product.id}/restore`,
      undefined,
      fulfilment,
    );
    expect(response.statusCode).toBe(403);
    expect(codeOf(response)).toBe('PERMISSION_DENIED');
    const read = await send('GET', `/admin/products/${product.id}`);
    expect(read.json<AdminProduct>().status).toBe('archived');
  });
});
