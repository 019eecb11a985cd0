import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.js';
import { TestPaymentProvider } from './test-provider.js';
import { loadTestProviderSecret, type TestProviderTables } from './test-provider-tables.js';
import { TestTokenCodec } from './test-token.js';
import { testTokenRoutes } from './test-tokens-routes.js';

/** The test provider and its tokenisation endpoint, keyed with this installation's secret. */
export async function openTestProvider(
  db: Kysely<TestProviderTables>,
  clock: Clock,
): Promise<{ provider: TestPaymentProvider; routes: FastifyPluginAsync }> {
  const secret = await loadTestProviderSecret(db);
  const codec = new TestTokenCodec(secret);
  return {
    provider: new TestPaymentProvider(db, codec, secret, clock),
    routes: testTokenRoutes(codec, clock),
  };
}
