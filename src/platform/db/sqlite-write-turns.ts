import { resolve } from 'node:path';
import { FifoMutex } from './fifo-mutex.js';

/**
 * Whose turn it is to write each database file, among the connections of this process:
 * they take turns in order rather than race each other's timers (one could starve).
 */
const writeTurns = new Map<string, { mutex: FifoMutex; drivers: number }>();

/** The turn lock of `file` (any spelling of its path), counting the driver that takes it. */
export function writeTurn(file: string): FifoMutex {
  let turn = writeTurns.get(resolve(file));
  if (turn === undefined) {
    turn = { mutex: new FifoMutex(), drivers: 0 };
    writeTurns.set(resolve(file), turn);
  }
  turn.drivers += 1;
  return turn.mutex;
}

/** A driver of `file` closed; the lock is forgotten with the last one. */
export function leaveWriteTurn(file: string): void {
  const turn = writeTurns.get(resolve(file));
  if (turn !== undefined && --turn.drivers === 0) writeTurns.delete(resolve(file));
}
