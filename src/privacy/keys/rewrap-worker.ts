import { Worker } from 'node:worker_threads';
import { AppError } from '../../platform/errors/index.js';
import { keysErrors } from './keys-errors.js';

/** One wrapped data key to move under the target KEK. */
export interface RewrapItem {
  readonly version: number;
  readonly wrapped: Buffer;
  readonly aad: Buffer;
}

/** Rewraps batches of data keys; closed when the rotation ends. */
export interface Rewrapper {
  rewrap(items: readonly RewrapItem[]): Promise<Buffer[]>;
  close(): Promise<void>;
}

// The worker is plain JavaScript evaluated from this string, so it runs the same from
// src/ (under tsx or Vitest) and from dist/. It only unwraps and wraps with AES-256-GCM,
// in the same format as aes-gcm.ts (nonce ‖ ciphertext ‖ tag), with pooled nonces.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createCipheriv, createDecipheriv, randomFillSync } = require('node:crypto');
const keks = new Map(workerData.keks.map(([v, k]) => [v, Buffer.from(k)]));
const target = keks.get(workerData.target);
const pool = Buffer.alloc(4092);
let offset = pool.length;
function nonce() {
  if (offset === pool.length) { randomFillSync(pool); offset = 0; }
  const n = Buffer.from(pool.subarray(offset, offset + 12));
  offset += 12;
  return n;
}
parentPort.on('message', ({ id, items }) => {
  const out = [];
  for (let i = 0; i < items.length; i++) {
    const { version, wrapped, aad } = items[i];
    const kek = keks.get(version);
    if (kek === undefined) { parentPort.postMessage({ id, error: 'unknown_version', version }); return; }
    const w = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
    let key;
    try {
      const d = createDecipheriv('aes-256-gcm', kek, w.subarray(0, 12), { authTagLength: 16 });
      d.setAAD(aad);
      d.setAuthTag(w.subarray(w.length - 16));
      key = Buffer.concat([d.update(w.subarray(12, w.length - 16)), d.final()]);
    } catch { parentPort.postMessage({ id, error: 'invalid' }); return; }
    const n = nonce();
    const c = createCipheriv('aes-256-gcm', target, n);
    c.setAAD(aad);
    const body = c.update(key);
    c.final();
    out.push(Buffer.concat([n, body, c.getAuthTag()]));
    key.fill(0);
  }
  parentPort.postMessage({ id, out });
});
`;

interface Reply {
  id: number;
  out?: Uint8Array[];
  error?: 'unknown_version' | 'invalid';
  version?: number;
}

/**
 * A worker thread that rewraps while the main thread reads and writes the database, so
 * rotation uses both cores. The KEKs are copied into the worker for the rotation only.
 */
export function startRewrapWorker(keks: ReadonlyMap<number, Buffer>, target: number): Rewrapper {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { keks: [...keks].map(([version, key]) => [version, new Uint8Array(key)]), target },
  });
  let next = 0;
  const waiting = new Map<
    number,
    { resolve: (out: Buffer[]) => void; reject: (error: unknown) => void }
  >();
  worker.on('message', (reply: Reply) => {
    const entry = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (entry === undefined) return;
    if (reply.error === 'unknown_version') {
      entry.reject(
        new AppError(keysErrors.KEK_UNAVAILABLE, {
          message: `This keyring has no KEK version ${reply.version}`,
        }),
      );
    } else if (reply.error !== undefined || reply.out === undefined) {
      entry.reject(new AppError(keysErrors.DATA_KEY_INVALID));
    } else {
      entry.resolve(
        reply.out.map((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
      );
    }
  });
  worker.on('error', (error) => {
    for (const entry of waiting.values()) entry.reject(error);
    waiting.clear();
  });
  return {
    rewrap: (items) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, items });
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
