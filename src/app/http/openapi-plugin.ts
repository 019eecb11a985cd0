import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

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
        transform: jsonSchemaTransform,
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
