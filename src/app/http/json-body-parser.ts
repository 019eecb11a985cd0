import { parse as secureParse } from 'secure-json-parse';
import type { App } from './app-type.js';
import { AppError, platformErrors } from '../../platform/errors/index.js';

class LoneSurrogateError extends Error {}

// In `u` mode a surrogate pair is one code point; only a lone half matches \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A JSON string may escape half of a surrogate pair (`"\ud800"`): that is not text, and
 * it could not be stored or returned unchanged, so it is refused as malformed.
 */
function refuseLoneSurrogates(key: string, value: unknown): unknown {
  if (LONE_SURROGATE.test(key) || (typeof value === 'string' && LONE_SURROGATE.test(value))) {
    throw new LoneSurrogateError('The request body contains a string that is not valid Unicode');
  }
  return value;
}

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
        secureParse(text, refuseLoneSurrogates, {
          protoAction: 'error',
          constructorAction: 'error',
        }),
      );
    } catch (error) {
      if (error instanceof LoneSurrogateError) {
        done(new AppError(platformErrors.MALFORMED_JSON, { message: error.message }), undefined);
        return;
      }
      const forbidden =
        error instanceof SyntaxError && /forbidden prototype property/i.test(error.message);
      done(
        new AppError(forbidden ? platformErrors.FORBIDDEN_PROPERTY : platformErrors.MALFORMED_JSON),
        undefined,
      );
    }
  });
}
