import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../../platform/errors/index.js';
import { catalogErrors } from './catalog-errors.js';
import { pageOf, productParams, storeListQuery, storeProductReply } from './catalog-schemas.js';
import type { CatalogDeps } from './catalog-service.js';
import { storeProductView } from './catalog-views.js';
import { findProduct, listProducts } from './product-reads.js';

const TAGS = ['store: catalog'];

/** The public catalog under `/store/products`: active products only. */
export function catalogStoreRoutes(deps: CatalogDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/store/products',
      {
        config: { access: { audience: 'public' } },
        schema: {
          tags: TAGS,
          summary:
            'Products on sale, newest first; `q` searches titles; `next` is the following page',
          querystring: storeListQuery,
          response: { 200: pageOf(storeProductReply) },
        },
      },
      async (request) => {
        const page = await listProducts(deps.db, { ...request.query, status: 'active' });
        return {
          products: page.products.map((product) => storeProductView(product, deps.currency)),
          next: page.next,
        };
      },
    );

    app.get(
      '/store/products/:id',
      {
        config: { access: { audience: 'public' } },
        schema: {
          tags: TAGS,
          summary: 'One product on sale, with its variants, prices and availability',
          params: productParams,
          response: { 200: storeProductReply },
        },
      },
      async (request) => {
        const product = await findProduct(deps.db, request.params.id);
        // An archived product is gone from the store, as if it never existed there.
        if (product === undefined || product.status !== 'active') {
          throw new AppError(catalogErrors.PRODUCT_NOT_FOUND);
        }
        return storeProductView(product, deps.currency);
      },
    );
  };
}
