import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.js';
import type { TestTokenCodec } from './test-token.js';
import { tokeniseCard } from './tokenise-card.js';

const TAGS = ['test payments'];
// Tokenisation endpoints are where stolen card lists get tested; a shop's own checkout
// needs a handful of tokens a minute per client.
const TOKEN_RATE_LIMIT = { max: 60, timeWindow: 60_000 };

/**
 * The card, exactly: the only schema in Custodia that accepts a card number or security
 * code. Messages name the rule, never the value.
 */
export const cardBody = z.strictObject({
  number: z.string().min(1).max(32),
  expMonth: z.int().min(1).max(12),
  expYear: z.int().min(2000).max(2199),
  cvc: z.string().regex(/^\d{3,4}$/, { message: 'must be 3 or 4 digits' }),
});

/** What the endpoint answers: the token for checkout, and what the customer may see. */
export const tokenReply = z.object({ token: z.string(), brand: z.string(), last4: z.string() });

/**
 * `POST /test-payments/tokens`: the test provider's tokenisation endpoint, standing in for
 * a processor's client-side library, so that card numbers never reach the shop's own
 * handlers. Mounted only while the test provider is configured.
 */
export function testTokenRoutes(codec: TestTokenCodec, clock: Clock): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/test-payments/tokens',
      {
        config: { access: { audience: 'public' }, rateLimit: TOKEN_RATE_LIMIT },
        schema: {
          tags: TAGS,
          summary: 'Turn a test card into a payment token (test provider only)',
          body: cardBody,
          response: { 201: tokenReply },
        },
      },
      async (request, reply) =>
        reply.code(201).send(tokeniseCard(codec, request.body, clock.now())),
    );
  };
}
