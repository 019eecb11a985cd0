// One error model: a catalogue entry gives each error its stable code, HTTP status, log
// level and safe message, and an AppError carries exactly those.
import { describe, expect, it, vi } from 'vitest';
import { AppError, isAppError } from './app-error.js';
import { defineErrors } from './error-catalog.js';
import { platformErrors } from './platform-errors.js';

const shopErrors = defineErrors({
  ORDER_NOT_FOUND: { status: 404, level: 'info', message: 'No such order' },
  PAYMENT_GATEWAY_DOWN: { status: 502, level: 'error', message: 'The payment gateway failed' },
});

describe('defineErrors', () => {
  it('keys each spec by its code and keeps status, level and message', () => {
    expect(shopErrors).toEqual({
      ORDER_NOT_FOUND: {
        code: 'ORDER_NOT_FOUND',
        status: 404,
        level: 'info',
        message: 'No such order',
      },
      PAYMENT_GATEWAY_DOWN: {
        code: 'PAYMENT_GATEWAY_DOWN',
        status: 502,
        level: 'error',
        message: 'The payment gateway failed',
      },
    });
  });

  it('freezes the catalogue and every entry', () => {
    expect(Object.isFrozen(shopErrors)).toBe(true);
    expect(Object.isFrozen(shopErrors.ORDER_NOT_FOUND)).toBe(true);
    expect(() => {
      (shopErrors.ORDER_NOT_FOUND as { status: number }).status = 200;
    }).toThrow(TypeError);
  });

  it.each(['order_not_found', 'OrderNotFound', '1_BAD', 'ORDER-NOT-FOUND', '_ORDER', ''])(
    'refuses the code %j: codes are UPPER_SNAKE_CASE',
    (code) => {
      expect(() => defineErrors({ [code]: { status: 400, level: 'info', message: 'x' } })).toThrow(
        /is not UPPER_SNAKE_CASE/,
      );
    },
  );

  it('takes the code from the key, whatever else the spec carries', () => {
    const spec = {
      status: 409,
      level: 'warn' as const,
      message: 'Conflict',
      code: 'SOMETHING_ELSE',
    };
    expect(defineErrors({ CART_CONFLICT: spec }).CART_CONFLICT.code).toBe('CART_CONFLICT');
  });

  it('gives the platform catalogue only client and server error statuses', () => {
    for (const spec of Object.values(platformErrors)) {
      expect(spec.status, spec.code).toBeGreaterThanOrEqual(400);
      expect(spec.status, spec.code).toBeLessThan(600);
    }
  });
});

describe('AppError', () => {
  it('carries the code, status, level and message of its spec', () => {
    const error = new AppError(shopErrors.ORDER_NOT_FOUND);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AppError');
    expect(error).toMatchObject({
      code: 'ORDER_NOT_FOUND',
      status: 404,
      level: 'info',
      message: 'No such order',
      details: undefined,
      headers: undefined,
    });
    expect(error.cause).toBeUndefined();
    expect(error.stack).toContain('AppError: No such order');
  });

  it('takes a safe message override, details, headers and a cause', () => {
    const cause = new Error('driver detail');
    const error = new AppError(platformErrors.RATE_LIMITED, {
      message: 'Too many requests; retry in 30 s',
      details: { retryAfterSeconds: 30 },
      headers: { 'retry-after': '30' },
      cause,
    });
    expect(error).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      level: 'warn',
      message: 'Too many requests; retry in 30 s',
      details: { retryAfterSeconds: 30 },
      headers: { 'retry-after': '30' },
    });
    expect(error.cause).toBe(cause);
  });
});

describe('isAppError', () => {
  it('recognises AppErrors and nothing else', () => {
    expect(isAppError(new AppError(platformErrors.NOT_FOUND))).toBe(true);
    const lookalike = Object.assign(new Error('No such resource'), {
      code: 'NOT_FOUND',
      status: 404,
    });
    for (const value of [
      lookalike,
      new Error('x'),
      { code: 'NOT_FOUND' },
      null,
      undefined,
      'NOT_FOUND',
    ]) {
      expect(isAppError(value)).toBe(false);
    }
  });

  it('recognises an AppError made by another copy of the module', async () => {
    vi.resetModules();
    const copy = await import('./app-error.js');
    expect(copy.AppError).not.toBe(AppError);
    const foreign = new copy.AppError(platformErrors.NOT_FOUND);
    expect(isAppError(foreign)).toBe(true);
    expect(copy.isAppError(new AppError(platformErrors.NOT_FOUND))).toBe(true);
  });
});
