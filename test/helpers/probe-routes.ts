import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Routes that exist only in tests, to drive the shared HTTP machinery (validation,
 * error mapping) the way a module's routes will.
 */
export const probeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/probe/echo',
    {
      schema: {
        body: z.strictObject({
          name: z.string().min(1),
          quantity: z.number().int().positive(),
          address: z.strictObject({ city: z.string(), country: z.string().length(2) }).optional(),
        }),
      },
    },
    (request) => ({ received: request.body.quantity }),
  );
  app.get('/probe/crash', () => {
    throw new Error('internal detail: connection to 10.0.0.7 refused for user shop_admin');
  });
};
