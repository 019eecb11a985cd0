// A reader thread of `audit verify`: checks the chunks of the log the main thread sends,
// on a read-only connection of its own, and sends back each result as a transferable buffer.
import { parentPort, workerData } from 'node:worker_threads';
// The reader itself rather than platform/db's index: the index loads the query layer,
// which this thread does not use and which would slow its start.
import { SqliteArrayReader } from '../../platform/db/sqlite-array-reader.js';
import { checkChunk, type EntryChunk } from './entry-rows.js';
import type { FromWorker } from './entry-check-pool.js';

const port = parentPort;
if (port === null) throw new Error('entry-check-worker runs only as a worker thread');
const reader = new SqliteArrayReader((workerData as { file: string }).file);
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

port.on('message', (job: { index: number; chunk: EntryChunk }) => {
  try {
    const entries = checkChunk(reader, job.chunk);
    const buffer = entries.seqs.buffer as ArrayBuffer;
    send({ type: 'done', index: job.index, buffer, count: entries.count }, [buffer]);
  } catch (error) {
    // The main thread then checks the chunk itself, and meets the error on its own.
    send({ type: 'failed', index: job.index, message: String(error) });
  }
});
send({ type: 'ready' });
