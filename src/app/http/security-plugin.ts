import helmet from '@fastify/helmet';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, platformErrors } from '../../platform/errors/index.js';

/** What the security baseline needs from config. */
export interface SecurityOptions {
  readonly https: boolean;
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  /** A shared store; absent means counting in this process's memory. */
  readonly rateLimitStore?: FastifyRateLimitStoreCtor | undefined;
}

/**
 * Security headers and the global rate limit. HSTS is sent only over HTTPS: over plain
 * HTTP browsers ignore it, and a loopback development server must not pin itself.
 */
export function securityPlugin(options: SecurityOptions): FastifyPluginAsync {
  return fp(
    async (app) => {
      await app.register(helmet, {
        hsts: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
        // The API answers JSON only; the docs UI sets its own policy for its assets.
        contentSecurityPolicy: {
          directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
        },
      });
      // A NUL in the path or query reaches no route usefully and PostgreSQL cannot store it.
      app.addHook('onRequest', async (request) => {
        if (request.url.includes('%00') || request.url.includes(String.fromCharCode(0))) {
          throw new AppError(platformErrors.INVALID_TEXT, { details: { location: 'url' } });
        }
      });
      await app.register(rateLimit, {
        global: true,
        max: options.rateLimit.max,
        timeWindow: options.rateLimit.windowMs,
        ...(options.rateLimitStore === undefined ? {} : { store: options.rateLimitStore }),
        errorResponseBuilder: (_request, context) =>
          new AppError(platformErrors.RATE_LIMITED, {
            details: { retryAfterSeconds: Math.ceil(context.ttl / 1000) },
          }),
      });
    },
    { name: 'custodia-security' },
  );
}
