/** The source of the current time; injected so that tests can move it. */
export interface Clock {
  now(): Date;
}

/** The wall clock, in UTC milliseconds. */
export const systemClock: Clock = Object.freeze({ now: () => new Date() });

/** A clock that only moves when told to, for expiry tests. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date = new Date('2026-01-01T00:00:00Z')) {
    this.#ms = start.getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}
