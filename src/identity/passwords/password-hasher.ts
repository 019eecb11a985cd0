import { randomBytes } from 'node:crypto';
import { hash, parseOptions, verify, type Algorithm, type Version } from '@node-rs/argon2';

/** The Argon2id cost parameters a hash is made with. */
export interface Argon2Params {
  /** Memory in KiB. */
  readonly memoryCost: number;
  /** Passes over memory. */
  readonly timeCost: number;
  /** Lanes. */
  readonly parallelism: number;
}

/** OWASP Password Storage Cheat Sheet minimum for Argon2id: 19 MiB, 2 passes, 1 lane. */
export const ARGON2_MINIMUM: Argon2Params = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

// The package declares these as const enums, which isolatedModules cannot inline; the
// numbers are fixed by its binding (Argon2id = 2, version 0x13 = 1).
const ARGON2ID = 2 as Algorithm;
const VERSION_13 = 1 as Version;

function checkedParams(options: Partial<Argon2Params>): Argon2Params {
  const params = { ...ARGON2_MINIMUM, ...options };
  for (const name of ['memoryCost', 'timeCost', 'parallelism'] as const) {
    const value = params[name];
    if (!Number.isSafeInteger(value) || value < ARGON2_MINIMUM[name]) {
      throw new RangeError(`Argon2 ${name} must be an integer of at least ${ARGON2_MINIMUM[name]}`);
    }
  }
  return Object.freeze(params);
}

// Hashes and verifies the NFC form, so that the same password typed on systems that
// compose characters differently (macOS input gives NFD) still verifies.
const normalised = (password: string) => password.normalize('NFC');

/**
 * Argon2id password hashing (ASVS 2.4.1). The parameters travel in the encoded PHC
 * string, so raising them later leaves old hashes verifiable and `needsRehash` finds them.
 */
export class PasswordHasher {
  /** The parameters new hashes are made with. */
  readonly params: Argon2Params;
  // A hash of a random secret nobody knows, made with the current parameters, so that a
  // login for an unknown account costs one real verification too (ASVS 2.2.x, no
  // account enumeration by timing).
  readonly #dummy: Promise<string>;

  /** Parameters may be raised above the OWASP minimum, never lowered below it (throws). */
  constructor(options: Partial<Argon2Params> = {}) {
    this.params = checkedParams(options);
    this.#dummy = this.hashRaw(randomBytes(32).toString('base64'));
    // Made eagerly so the first unknown-account login is not slower than the rest; a
    // failure surfaces to whoever awaits it, not as an unhandled rejection.
    this.#dummy.catch(() => undefined);
  }

  private hashRaw(password: string): Promise<string> {
    return hash(password, {
      algorithm: ARGON2ID,
      version: VERSION_13,
      memoryCost: this.params.memoryCost,
      timeCost: this.params.timeCost,
      parallelism: this.params.parallelism,
    });
  }

  /** The encoded Argon2id hash (PHC string, random 16-byte salt) of a password. */
  hash(password: string): Promise<string> {
    return this.hashRaw(normalised(password));
  }

  /** True when the password matches; false for a wrong password or a malformed hash. */
  async verify(encoded: string, password: string): Promise<boolean> {
    try {
      return await verify(encoded, normalised(password));
    } catch {
      // A corrupt stored hash must read as "no match", never as a 500 that tells an
      // attacker something about the account.
      return false;
    }
  }

  /** Spends one real verification on a dummy hash and answers false, for unknown accounts. */
  async verifyAgainstDummy(password: string): Promise<false> {
    await this.verify(await this.#dummy, password);
    return false;
  }

  /** True when the stored hash is not Argon2id 1.3 or its parameters are below the current ones. */
  needsRehash(encoded: string): boolean {
    try {
      const stored = parseOptions(encoded);
      return (
        stored.algorithm !== ARGON2ID ||
        stored.version !== VERSION_13 ||
        stored.memoryCost < this.params.memoryCost ||
        stored.timeCost < this.params.timeCost ||
        stored.parallelism < this.params.parallelism
      );
    } catch {
      return true;
    }
  }
}
