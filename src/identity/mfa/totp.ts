import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';

// otplib defaults to a pure-JS HMAC; its node:crypto plugin keeps to DESIGN.md's rule.
const nodeCryptoPlugin = new NodeCryptoPlugin();

/** RFC 6238 as every authenticator app implements it: HMAC-SHA-1, 6 digits, 30-second steps. */
export const TOTP_SETTINGS = Object.freeze({
  algorithm: 'sha1',
  digits: 6,
  periodSeconds: 30,
  /** Steps accepted either side of the current one, for clock drift (ASVS 2.8.2). */
  windowSteps: 1,
  /** 160-bit secrets, the size RFC 4226 recommends. */
  secretBytes: 20,
} as const);

const COMMON = {
  algorithm: TOTP_SETTINGS.algorithm,
  digits: TOTP_SETTINGS.digits,
  period: TOTP_SETTINGS.periodSeconds,
  crypto: nodeCryptoPlugin,
} as const;

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** The RFC 6238 time step that contains the instant. */
export function totpStep(at: Date): number {
  return Math.floor(epochSeconds(at) / TOTP_SETTINGS.periodSeconds);
}

/** A new random 160-bit TOTP secret, base32-encoded as authenticator apps expect. */
export function newTotpSecret(): string {
  return generateSecret({ length: TOTP_SETTINGS.secretBytes, crypto: nodeCryptoPlugin });
}

/** The otpauth:// URI an authenticator app scans from a QR code. */
export function totpUri(input: { secret: string; label: string; issuer: string }): string {
  return generateURI({ ...input, ...COMMON, strategy: 'totp' });
}

/** The code the secret yields at the given instant (tests and the CLI). */
export function currentTotp(secret: string, at: Date): string {
  return generateSync({ ...COMMON, secret, epoch: epochSeconds(at) });
}

/** The outcome of checking a TOTP code; `step` is stored as the new `lastUsedStep`. */
export type TotpVerification = { ok: true; step: number } | { ok: false };

/** Options of one TOTP check: when it happens and the last step this secret accepted. */
export interface TotpCheck {
  readonly at: Date;
  readonly lastUsedStep: number | null;
}

// Apps show the code as "123 456"; people type it with or without the space.
const CODE = /^\d{6}$/;

/**
 * Checks a code within ±1 step of `at`. A code whose step is at or before `lastUsedStep`
 * is refused even when it is right, so an observed code cannot be replayed (ASVS 2.8.4).
 */
export function verifyTotp(secret: string, code: string, check: TotpCheck): TotpVerification {
  const token = code.replace(/\s/g, '');
  if (!CODE.test(token)) return { ok: false };
  const { lastUsedStep } = check;
  if (lastUsedStep !== null && (!Number.isSafeInteger(lastUsedStep) || lastUsedStep < 0)) {
    throw new RangeError('lastUsedStep must be a non-negative integer or null');
  }
  // otplib rejects an afterTimeStep beyond its window as a usage error; here it simply
  // means every code in the window has been used already.
  if (lastUsedStep !== null && lastUsedStep >= totpStep(check.at) + TOTP_SETTINGS.windowSteps) {
    return { ok: false };
  }
  const result = verifySync({
    ...COMMON,
    secret,
    token,
    epoch: epochSeconds(check.at),
    epochTolerance: TOTP_SETTINGS.windowSteps * TOTP_SETTINGS.periodSeconds,
    ...(lastUsedStep === null ? {} : { afterTimeStep: lastUsedStep }),
  });
  return result.valid && 'timeStep' in result ? { ok: true, step: result.timeStep } : { ok: false };
}
