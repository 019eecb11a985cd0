// Completions of delivered jobs are written in groups: one at once when nothing is being
// written, the rest together once the write in progress returns.
import { describe, expect, it } from 'vitest';
import { CompletionGroups } from '../../src/platform/jobs/outbox-completions.js';
import { gate } from './outbox-world.js';

describe('outbox completion groups', () => {
  it('writes the first completion at once and the ones meanwhile together, each told if it was held', async () => {
    const writes: string[][] = [];
    const firstDone = gate();
    const groups = new CompletionGroups(async (ids) => {
      writes.push([...ids]);
      if (writes.length === 1) await firstDone.promise;
      // j3 was taken by another worker after its lease ran out.
      return new Set(ids.filter((id) => id !== 'j3'));
    });
    const first = groups.complete('j1');
    const later = [groups.complete('j2'), groups.complete('j3'), groups.complete('j4')];
    expect(writes).toEqual([['j1']]);
    firstDone.open();
    expect(await first).toBe(true);
    expect(await Promise.all(later)).toEqual([true, false, true]);
    expect(writes).toEqual([['j1'], ['j2', 'j3', 'j4']]);
  });

  it('fails the group whose write failed, and writes the next group regardless', async () => {
    let calls = 0;
    const release = gate();
    const groups = new CompletionGroups(async (ids) => {
      calls += 1;
      if (calls === 1) {
        await release.promise;
        throw new Error('database unavailable');
      }
      return new Set(ids);
    });
    const failing = groups.complete('j1');
    const next = groups.complete('j2');
    release.open();
    await expect(failing).rejects.toThrow('database unavailable');
    expect(await next).toBe(true);
    // Idle again: the next completion is written at once.
    expect(await groups.complete('j3')).toBe(true);
    expect(calls).toBe(3);
  });
});
