import swagger, { type SwaggerTransform, type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { $ZodType, safeParse } from 'zod/v4/core';

/** Set on an operation by the route transform; the document transform turns it into `required: false`. */
const OPTIONAL_BODY = 'x-custodia-optional-body';

/**
 * True when the route's body schema accepts a request with no body at all: Fastify then
 * validates `undefined`, so this asks the very schema the request is validated with.
 */
function acceptsNoBody(body: unknown): boolean {
  return body instanceof $ZodType && safeParse(body, undefined).success;
}

/** Zod to JSON Schema, noting the operations whose body may be left out. */
const transform: SwaggerTransform = (input) => {
  const result = jsonSchemaTransform(input);
  if (!acceptsNoBody((input.schema as { body?: unknown } | undefined)?.body)) return result;
  return { ...result, schema: { ...result.schema, [OPTIONAL_BODY]: true } };
};

interface Operation {
  [OPTIONAL_BODY]?: boolean;
  requestBody?: { required?: boolean };
}

/**
 * @fastify/swagger marks every request body required; an operation noted by the route
 * transform gets `required: false` instead. Validation of a body that is sent is the
 * route's schema as before: only the document changes.
 */
const transformObject: SwaggerTransformObject = (document) => {
  if (!('openapiObject' in document)) return document.swaggerObject;
  const paths = (document.openapiObject.paths ?? {}) as Record<string, Record<string, unknown>>;
  for (const item of Object.values(paths)) {
    for (const value of Object.values(item)) {
      if (typeof value !== 'object' || value === null || !(OPTIONAL_BODY in value)) continue;
      const operation = value as Operation;
      delete operation[OPTIONAL_BODY];
      if (operation.requestBody !== undefined) operation.requestBody.required = false;
    }
  }
  return document.openapiObject;
};

/** The OpenAPI document at `/openapi.json`, generated from the Zod route schemas, and its UI at `/docs`. */
export function openApiPlugin(version: string): FastifyPluginAsync {
  return fp(
    async (app) => {
      await app.register(swagger, {
        openapi: {
          openapi: '3.1.0',
          info: {
            title: 'Custodia',
            description:
              'Commerce backend with privacy enforced in code. Store API under /store, Admin API under /admin.',
            version,
          },
        },
        transform,
        transformObject,
      });
      await app.register(swaggerUi, {
        routePrefix: '/docs',
        staticCSP: true,
        uiConfig: { deepLinking: true },
      });
      app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
    },
    { name: 'custodia-openapi' },
  );
}
