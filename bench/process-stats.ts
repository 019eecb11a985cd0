// What a server process has spent so far, from Linux `/proc`: CPU, and what it handed to
// the kernel to write. Unlike a rate, the bytes and write calls per order do not move with
// the machine's load, so they show a change in what a checkout writes even on a noisy
// machine.
import { readFileSync } from 'node:fs';

/** A process's CPU (ms) and writes so far. */
export interface ProcessStats {
  readonly userMs: number;
  readonly systemMs: number;
  /**
   * CPU of the main thread alone (user and system), which runs the app, its statements
   * and its commits; the rest is V8's helper threads (garbage collection, compiling) and
   * libuv's (file writes such as the mails).
   */
  readonly mainThreadMs: number;
  /** Bytes passed to write calls (`wchar`): database, WAL, mail files, sockets. */
  readonly writtenBytes: number;
  /** Write calls made (`syscw`). */
  readonly writeCalls: number;
}

/** utime and stime of a `stat` file (fields 14 and 15, in clock ticks of 10 ms), in ms. */
function cpuOf(statFile: string): { user: number; system: number } {
  const text = readFileSync(statFile, 'utf8');
  // After the command name, which may hold spaces and parentheses, come fields 3 onwards.
  const fields = text.slice(text.lastIndexOf(') ') + 2).split(' ');
  const ticks = (field: number) => Number(fields[field - 3]) * 10;
  return { user: ticks(14), system: ticks(15) };
}

export function processStats(pid: number): ProcessStats {
  const all = cpuOf(`/proc/${pid}/stat`);
  // The main thread's task id is the process id.
  const main = cpuOf(`/proc/${pid}/task/${pid}/stat`);
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
    userMs: all.user,
    systemMs: all.system,
    mainThreadMs: main.user + main.system,
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
    mainThreadMs: per('mainThreadMs'),
    writtenBytes: per('writtenBytes'),
    writeCalls: per('writeCalls'),
  };
}
