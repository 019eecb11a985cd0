import { cpus } from 'node:os';

interface CpuTimes {
  readonly idle: number;
  readonly total: number;
}

function cpuTimes(): CpuTimes[] {
  return cpus().map(({ times }) => ({
    idle: times.idle,
    total: times.user + times.nice + times.sys + times.idle + times.irq,
  }));
}

/**
 * How many cores sat idle while this process worked. Another thread only speeds work up on
 * a core nobody else wants: on a machine that is busy, it takes its time from the thread it
 * was meant to help, and costs its start on top.
 */
export class SpareCores {
  readonly #from = cpuTimes();
  readonly #since = performance.now();

  /** Idle cores since construction, or undefined while too little time has passed to tell. */
  measure(): number | undefined {
    // The kernel counts CPU time in ticks of 10 ms or so: a shorter look sees nothing.
    if (performance.now() - this.#since < 20) return undefined;
    const to = cpuTimes();
    let idle = 0;
    let total = 0;
    to.forEach((times, i) => {
      idle += times.idle - (this.#from[i]?.idle ?? times.idle);
      total += times.total - (this.#from[i]?.total ?? times.total);
    });
    return total > 0 ? (idle / total) * to.length : undefined;
  }
}
