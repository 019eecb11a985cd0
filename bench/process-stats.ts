// What a server process has spent so far, from Linux `/proc`: CPU, and what it handed to
// the kernel to write. Unlike a rate, the bytes and write calls per order do not move with
// the machine's load, so they show a change in what a checkout writes even on a noisy
// machine.
import { readFileSync } from 'node:fs';

/** A process's CPU (ms) and writes so far. */
export interface ProcessStats {
  readonly userMs: number;
  readonly systemMs: number;
  /** Bytes passed to write calls (`wchar`): database, WAL, mail files, sockets. */
  readonly writtenBytes: number;
  /** Write calls made (`syscw`). */
  readonly writeCalls: number;
}

export function processStats(pid: number): ProcessStats {
  // After the command name come fields 3 onwards; utime and stime are 14 and 15, in
  // clock ticks of 10 ms.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = (field: number) => Number(fields[field - 3]) * 10;
  const io = new Map(
    readFileSync(`/proc/${pid}/io`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const [key = '', value = '0'] = line.split(': ');
        return [key, Number(value)];
      }),
  );
  return {
    userMs: ticks(14),
    systemMs: ticks(15),
    writtenBytes: io.get('wchar') ?? 0,
    writeCalls: io.get('syscw') ?? 0,
  };
}

/** What was spent between two readings, per order. */
export function perOrder(before: ProcessStats, after: ProcessStats, orders: number): ProcessStats {
  const per = (key: keyof ProcessStats) => (after[key] - before[key]) / orders;
  return {
    userMs: per('userMs'),
    systemMs: per('systemMs'),
    writtenBytes: per('writtenBytes'),
    writeCalls: per('writeCalls'),
  };
}
