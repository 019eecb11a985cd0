import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from '../../platform/metrics/index.js';

/**
 * One log line and one histogram sample per request, labelled by the route template
 * (never the raw URL, which can hold ids or personal data), and the `/metrics` endpoint.
 */
export function observabilityPlugin(metrics: Metrics): FastifyPluginAsync {
  // Lifted with fastify-plugin: the hook must see every route of the app.
  return fp(
    async (app) => {
      app.addHook('onResponse', async (request, reply) => {
        const route = request.routeOptions.url ?? '(unmatched)';
        const seconds = reply.elapsedTime / 1000;
        metrics.httpDuration.observe(
          { method: request.method, route, status_code: String(reply.statusCode) },
          seconds,
        );
        request.log.info(
          { req: request, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 },
          'request completed',
        );
      });

      app.get(
        '/metrics',
        {
          schema: { hide: true },
          config: { rateLimit: false },
        },
        async (_request, reply) => {
          const text = await metrics.registry.metrics();
          return reply.type(metrics.registry.contentType).send(text);
        },
      );
    },
    { name: 'custodia-observability' },
  );
}
