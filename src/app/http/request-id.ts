import type { IncomingMessage } from 'node:http';
import { newId } from '../../platform/ids.js';

// A caller's id is kept for tracing across services only when it is short and plain, so
// it cannot inject text into log lines.
const SAFE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** Request ids: the caller's X-Request-Id when it is safe, otherwise a fresh `req_` id. */
export function generateRequestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  if (typeof header === 'string' && SAFE_ID.test(header)) return header;
  return newId('req');
}
