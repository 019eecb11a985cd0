import type { Clock } from '../../platform/clock.js';

/** An unwrapped data key and the id its ciphertexts carry. */
export interface DataKey {
  readonly keyId: number;
  readonly key: Buffer;
}

interface Entry {
  readonly value: DataKey;
  readonly expiresAt: number;
}

/**
 * Unwrapped data keys, bounded in count and age (DESIGN: Keys and encryption). Never
 * written anywhere. Evicted keys are dropped, not zeroed: a request that fetched a key
 * a moment earlier may still be using the same buffer.
 */
export class DataKeyCache {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  get(subjectId: string): DataKey | undefined {
    const entry = this.#entries.get(subjectId);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.clock.now().getTime()) {
      this.delete(subjectId);
      return undefined;
    }
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.#entries.delete(subjectId);
    this.#entries.set(subjectId, entry);
    return entry.value;
  }

  set(subjectId: string, value: DataKey): void {
    this.delete(subjectId);
    this.#entries.set(subjectId, { value, expiresAt: this.clock.now().getTime() + this.ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  delete(subjectId: string): void {
    this.#entries.delete(subjectId);
  }

  clear(): void {
    for (const subjectId of [...this.#entries.keys()]) this.delete(subjectId);
  }

  get size(): number {
    return this.#entries.size;
  }
}
