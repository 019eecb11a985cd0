import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../../platform/errors/index.js';
import type { StaffAccess } from '../../identity/auth/index.js';
import { catalogErrors } from './catalog-errors.js';
import {
  adminListQuery,
  adminProductReply,
  newProductBody,
  newVariantBody,
  pageOf,
  productParams,
  productPatchBody,
  variantParams,
  variantPatchBody,
} from './catalog-schemas.js';
import type { CatalogDeps } from './catalog-service.js';
import { adminProductView } from './catalog-views.js';
import {
  addVariant,
  createProduct,
  setProductStatus,
  updateProduct,
  updateVariant,
} from './product-admin.js';
import { findProduct, listProducts } from './product-reads.js';

const TAGS = ['admin: catalog'];
// The catalog holds no personal data; the guard still wants a purpose, and selling
// products is the order-fulfilment purpose.
const ACCESS: StaffAccess = {
  audience: 'staff',
  permission: 'catalog.manage',
  purposes: ['order_fulfilment'],
};

/** Catalog management under `/admin/products` for staff with `catalog.manage`. */
export function catalogAdminRoutes(deps: CatalogDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const current = async (productId: string) => {
      const product = await findProduct(deps.db, productId);
      if (product === undefined) throw new AppError(catalogErrors.PRODUCT_NOT_FOUND);
      return adminProductView(product);
    };

    app.post(
      '/admin/products',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Create a product with its variants (prices in minor units)',
          body: newProductBody,
          response: { 201: adminProductReply },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await current(await createProduct(deps, request.body))),
    );

    app.get(
      '/admin/products',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Products newest first, archived ones included; `next` is the following page',
          querystring: adminListQuery,
          response: { 200: pageOf(adminProductReply) },
        },
      },
      async (request) => {
        const page = await listProducts(deps.db, request.query);
        return { products: page.products.map(adminProductView), next: page.next };
      },
    );

    app.get(
      '/admin/products/:id',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'One product with every variant',
          params: productParams,
          response: { 200: adminProductReply },
        },
      },
      async (request) => current(request.params.id),
    );

    app.patch(
      '/admin/products/:id',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Change the title or description',
          params: productParams,
          body: productPatchBody,
          response: { 200: adminProductReply },
        },
      },
      async (request) => {
        await updateProduct(deps, request.params.id, request.body);
        return current(request.params.id);
      },
    );

    const statusChanges = [
      {
        action: 'archive',
        status: 'archived',
        summary: 'Take the product off the store; carts holding it can no longer check out',
      },
      {
        action: 'restore',
        status: 'active',
        summary: 'Put an archived product back on the store; variants archived alone stay so',
      },
    ] as const;
    for (const { action, status, summary } of statusChanges) {
      app.post(
        `/admin/products/:id/${action}`,
        {
          config: { access: ACCESS },
          schema: {
            tags: TAGS,
            summary,
            params: productParams,
            response: { 200: adminProductReply },
          },
        },
        async (request) => {
          await setProductStatus(deps, request.params.id, status);
          return current(request.params.id);
        },
      );
    }

    app.post(
      '/admin/products/:id/variants',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Add a variant',
          params: productParams,
          body: newVariantBody,
          response: { 201: adminProductReply },
        },
      },
      async (request, reply) => {
        await addVariant(deps, request.params.id, request.body);
        return reply.code(201).send(await current(request.params.id));
      },
    );

    app.patch(
      '/admin/products/:productId/variants/:variantId',
      {
        config: { access: ACCESS },
        schema: {
          tags: TAGS,
          summary: 'Change a variant: title, price, stock (set or adjust), archived',
          params: variantParams,
          body: variantPatchBody,
          response: { 200: adminProductReply },
        },
      },
      async (request) => {
        const { productId, variantId } = request.params;
        await updateVariant(deps, productId, variantId, request.body);
        return current(productId);
      },
    );
  };
}
