import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, platformErrors } from '../../platform/errors/index.js';

/** Answers whether the service can serve: the database answers and is fully migrated. */
export type ReadinessCheck = () => Promise<{ ready: true } | { ready: false; reason: string }>;

const statusBody = z.object({ status: z.string() });

/** `GET /healthz` (the process is up) and `GET /readyz` (it can serve requests). */
export function healthRoutes(readiness: ReadinessCheck): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { rateLimit: false },
        schema: {
          tags: ['operations'],
          summary: 'Liveness: the process is up',
          response: { 200: statusBody },
        },
      },
      () => ({ status: 'ok' }),
    );

    app.get(
      '/readyz',
      {
        config: { rateLimit: false },
        schema: {
          tags: ['operations'],
          summary: 'Readiness: the database is reachable and every migration is applied',
          response: { 200: statusBody },
        },
      },
      async () => {
        const state = await readiness();
        if (!state.ready) {
          throw new AppError(platformErrors.NOT_READY, { details: { reason: state.reason } });
        }
        return { status: 'ready' };
      },
    );
  };
}
