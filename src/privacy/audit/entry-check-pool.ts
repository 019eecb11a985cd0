import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SqliteArrayReader } from '../../platform/db/index.js';
import {
  checkChunk,
  checkedEntriesIn,
  type CheckedEntries,
  type EntryChunk,
} from './entry-rows.js';
import { SpareCores } from './spare-cores.js';

/** A message from a reader thread. */
export type FromWorker =
  | { readonly type: 'ready' }
  | {
      readonly type: 'done';
      readonly index: number;
      readonly buffer: ArrayBuffer;
      readonly count: number;
    }
  | { readonly type: 'failed'; readonly index: number; readonly message: string };

/** Reader threads worth starting beside the main thread: one per further core, at most 3. */
export function defaultWorkers(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

/**
 * Starts a reader thread, or returns undefined when none can run here. Built, the thread
 * is a JavaScript file beside this one. Run from the TypeScript sources (tests,
 * benchmarks), the thread first registers tsx's require hook, which starts faster in a
 * thread than its module loader and compiles the thread's few files the same way.
 */
function startWorker(file: string): Worker | undefined {
  const source = import.meta.url.endsWith('.ts');
  const url = new URL(`./entry-check-worker.${source ? 'ts' : 'js'}`, import.meta.url);
  // No flags of the process (loaders, agents): a reader thread needs none, and starts faster.
  const options = { workerData: { file }, execArgv: [] };
  if (!source) return new Worker(url, options);
  let hook: string;
  try {
    hook = createRequire(import.meta.url).resolve('tsx/cjs/api');
  } catch {
    return undefined;
  }
  const boot = `require(${JSON.stringify(hook)}).register(); require(${JSON.stringify(fileURLToPath(url))});`;
  return new Worker(boot, { ...options, eval: true });
}

interface Thread {
  readonly worker: Worker;
  ready: boolean;
  dead: boolean;
  /** Chunks sent and not yet answered. */
  readonly jobs: Set<number>;
}

// Chunks queued at each thread: while the main thread checks a chunk of its own, it cannot
// answer, and a thread with one chunk only would sit idle until it does.
const QUEUED = 2;

/** Stretches of the log to check, numbered from 0. */
export interface EntryChunks {
  readonly count: number;
  at(index: number): EntryChunk;
}

/** Reader threads to start beside the main one. */
export interface ReaderThreads {
  readonly count: number;
  /**
   * Start only as many as there are idle cores, measured while the main thread reads its
   * first chunk: on a busy machine threads would slow the verification down.
   */
  readonly onlyOnIdleCores: boolean;
}

/**
 * Reads and checks chunks 0 … count − 1 of the log on this thread and on reader threads,
 * each on a read-only connection of its own to the SQLite `file`, and yields the results
 * in chunk order. Reading rows is most of a verification's cost, and connections read in
 * parallel.
 *
 * The main thread never waits for a thread it could do without: it checks the lowest
 * chunk nobody has taken while the threads start, and takes back the chunk of a thread
 * that fails. At most a few chunks per participant are read ahead of the consumer.
 */
export async function* checkChunksInOrder(
  file: string,
  chunks: EntryChunks,
  workers: ReaderThreads,
  /** Told who checked each chunk, for tests and diagnostics. */
  observe?: (by: 'main' | 'thread') => void,
): AsyncGenerator<CheckedEntries> {
  const reader = new SqliteArrayReader(file);
  const results = new Map<number, CheckedEntries>();
  const givenBack: number[] = [];
  const ahead = 4 * (workers.count + 1);
  let next = 0;
  let taken = 0;
  let wake: (() => void) | undefined;
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  const take = (): number | undefined => {
    if (givenBack.length > 0) return givenBack.sort((a, b) => a - b).shift();
    if (taken - next >= ahead || taken >= chunks.count) return undefined;
    return taken++;
  };
  const threads: Thread[] = [];
  const feed = (thread: Thread) => {
    while (thread.ready && !thread.dead && thread.jobs.size < QUEUED) {
      const index = take();
      if (index === undefined) return;
      thread.jobs.add(index);
      try {
        thread.worker.postMessage({ index, chunk: chunks.at(index) });
      } catch {
        retire(thread);
      }
    }
  };
  const retire = (thread: Thread) => {
    if (thread.dead) return;
    thread.dead = true;
    givenBack.push(...thread.jobs);
    thread.jobs.clear();
    void thread.worker.terminate();
    poke();
  };
  const start = (count: number) => {
    for (let i = 0; i < count; i++) {
      const worker = startWorker(file);
      if (worker === undefined) break;
      const thread: Thread = { worker, ready: false, dead: false, jobs: new Set() };
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'failed') return retire(thread);
        if (message.type === 'done') {
          results.set(message.index, checkedEntriesIn(message.buffer, message.count));
          thread.jobs.delete(message.index);
          observe?.('thread');
        }
        thread.ready = true;
        feed(thread);
        poke();
      });
      // A thread that cannot start or dies leaves its chunk to the others.
      worker.on('error', () => retire(thread));
      worker.on('exit', () => retire(thread));
      threads.push(thread);
    }
  };
  let spare = workers.onlyOnIdleCores ? new SpareCores() : undefined;
  if (spare === undefined) start(workers.count);
  try {
    for (;;) {
      const ready = results.get(next);
      if (ready !== undefined) {
        results.delete(next);
        next += 1;
        for (const thread of threads) feed(thread);
        yield ready;
        continue;
      }
      if (next >= chunks.count) return;
      const mine = take();
      if (mine !== undefined) {
        results.set(mine, checkChunk(reader, chunks.at(mine)));
        observe?.('main');
        const idle = spare?.measure();
        if (idle !== undefined) {
          spare = undefined;
          start(Math.min(workers.count, Math.round(idle)));
        }
        // Between chunks, let the threads' results and requests for work in.
        await nextTurn();
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    reader.close();
    await Promise.all(
      threads.map((thread) => {
        thread.dead = true;
        return thread.worker.terminate();
      }),
    );
  }
}
