import { parse as secureParse } from 'secure-json-parse';
import type { App } from './app-type.js';
import { AppError, platformErrors } from '../../platform/errors/index.js';

/**
 * Parses JSON bodies, refusing `__proto__` and `constructor.prototype` keys (prototype
 * poisoning) with their own error code rather than the generic malformed-JSON one.
 */
export function registerJsonBodyParser(app: App): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.length === 0) {
      done(new AppError(platformErrors.EMPTY_BODY), undefined);
      return;
    }
    try {
      done(
        null,
        secureParse(text, undefined, { protoAction: 'error', constructorAction: 'error' }),
      );
    } catch (error) {
      const forbidden =
        error instanceof SyntaxError && /forbidden prototype property/i.test(error.message);
      done(
        new AppError(forbidden ? platformErrors.FORBIDDEN_PROPERTY : platformErrors.MALFORMED_JSON),
        undefined,
      );
    }
  });
}
