import { parse as secureParse } from 'secure-json-parse';
import type { App } from './app-type.js';
import { AppError, platformErrors } from '../../platform/errors/index.js';

class InvalidTextError extends Error {}

// In `u` mode a surrogate pair is one code point; only a lone half matches \p{Cs}. NUL is
// refused too: no field needs it, and PostgreSQL cannot store it in text.
const INVALID_TEXT = /\p{Cs}/u;
const NUL = String.fromCharCode(0);
// Decoded UTF-8 never holds a lone surrogate and JSON forbids a raw NUL in a string, so
// only the escapes `\u0000` and `\uD800`–`\uDFFF` can bring either in: bodies without
// them skip the per-value check.
const RISKY_ESCAPE = /\\u(?:0000|d[89a-f])/i;

/**
 * A JSON string may escape half of a surrogate pair (`"\ud800"`) or a NUL: neither can be
 * stored and returned unchanged, so both are refused.
 */
function refuseInvalidText(key: string, value: unknown): unknown {
  const bad = (text: string) => INVALID_TEXT.test(text) || text.includes(NUL);
  if (bad(key) || (typeof value === 'string' && bad(value))) {
    throw new InvalidTextError();
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
        secureParse(text, RISKY_ESCAPE.test(text) ? refuseInvalidText : undefined, {
          protoAction: 'error',
          constructorAction: 'error',
        }),
      );
    } catch (error) {
      if (error instanceof InvalidTextError) {
        done(
          new AppError(platformErrors.INVALID_TEXT, { details: { location: 'body' } }),
          undefined,
        );
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
