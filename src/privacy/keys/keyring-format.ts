import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RotationState } from './kek-provider.js';

const FORMAT = 'custodia-keyring/1';

/** The keyring as held in memory. */
export interface KeyringState {
  readonly current: number;
  readonly keks: readonly {
    readonly version: number;
    readonly key: Buffer;
    readonly createdAt: string;
  }[];
  readonly blindIndexRoot: Buffer;
  readonly rotation: RotationState | undefined;
}

const key32 = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=$/)
  .transform((value) => Buffer.from(value, 'base64'));

const bodySchema = z.strictObject({
  format: z.literal(FORMAT),
  current: z.number().int().positive(),
  keks: z
    .array(
      z.strictObject({ version: z.number().int().positive(), key: key32, createdAt: z.string() }),
    )
    .min(1),
  blindIndexRoot: key32,
  rotation: z
    .strictObject({ target: z.number().int().positive(), startedAt: z.string() })
    .nullable(),
});

const fileSchema = z.strictObject({ body: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The keyring file: a JSON body and its SHA-256, so that truncation or a flipped bit is
 * detected before any key is used.
 */
export function serializeKeyring(state: KeyringState): string {
  const body = JSON.stringify({
    format: FORMAT,
    current: state.current,
    keks: state.keks.map((kek) => ({
      version: kek.version,
      key: kek.key.toString('base64'),
      createdAt: kek.createdAt,
    })),
    blindIndexRoot: state.blindIndexRoot.toString('base64'),
    rotation: state.rotation ?? null,
  });
  return `${JSON.stringify({ body, sha256: digest(body) }, null, 2)}\n`;
}

/** Parses and verifies a keyring file; undefined when it is not a whole, unaltered keyring. */
export function parseKeyringFile(text: string): KeyringState | undefined {
  try {
    const file = fileSchema.parse(JSON.parse(text));
    if (digest(file.body) !== file.sha256) return undefined;
    const body = bodySchema.parse(JSON.parse(file.body));
    if (!body.keks.some((kek) => kek.version === body.current)) return undefined;
    return {
      current: body.current,
      keks: body.keks,
      blindIndexRoot: body.blindIndexRoot,
      rotation: body.rotation ?? undefined,
    };
  } catch {
    return undefined;
  }
}
