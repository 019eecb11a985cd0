// Pass-through stand-ins for the privacy machinery, used by the checkout benchmark alone to
// measure what privacy costs a request (the "privacy tax"). Nothing in src/ can select
// them: they are handed to startServer by the benchmark's own server process.
import type { AuditSink } from '../src/privacy/audit/index.js';
import type { FieldCodec, Opened, Sealed } from '../src/privacy/vault/index.js';

/** Stores the UTF-8 bytes as they are: no encryption, no integrity check. */
export const PASS_THROUGH_CODEC: FieldCodec = {
  seal: (_key, _location, plaintext) => Buffer.from(plaintext, 'utf8') as Sealed,
  open: (_key, _location, sealed): Opened => ({
    ok: true,
    value: Buffer.from(sealed).toString('utf8'),
  }),
};

/** Accepts every event and writes none. */
export const PASS_THROUGH_AUDIT: AuditSink = {
  record: () => Promise.resolve(),
};
