// C3.3 evidence from the command line: `custodia audit verify | proof | export-checkpoints |
// consistency | verify-proof`, run as an operator runs them, in a child process.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  auditSigningKeyPath,
  verifyConsistencyProofDocument,
  verifyInclusionProofDocument,
  type InclusionProofDocument,
} from '../../src/privacy/audit/index.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { describeEachEngine } from '../helpers/test-engines.js';
import { openAuditLogFixture, type AuditLogFixture } from './audit-log-fixture.js';

describeEachEngine('custodia audit CLI (C3.3)', (engine) => {
  let f: AuditLogFixture;
  const cli = (...args: string[]): Promise<CliResult> =>
    runCli(['audit', ...args], { env: { ...f.store.env, CUSTODIA_LOG_LEVEL: 'silent' } });
  const file = (name: string, text: string) => {
    const path = join(f.store.dataDir, name);
    writeFileSync(path, text);
    return path;
  };
  const counts = async () => ({
    unsealed: (
      await f.db.selectFrom('audit_events').select('id').where('seq', 'is', null).execute()
    ).length,
    checkpoints: (await f.db.selectFrom('audit_checkpoints').select('tree_size').execute()).length,
  });

  beforeAll(async () => {
    f = await openAuditLogFixture(engine);
    const sealer = f.sealer({ checkpointEvery: 10 });
    await f.record(30);
    while ((await sealer.sealPending({ maxBatch: 10 })).sealed > 0);
    await f.record(2);
  });
  afterAll(async () => f.close());

  it('explains every command with --help', async () => {
    const [top, verify, proof, exported, consistency, verifyProof] = await Promise.all(
      [[], ['verify'], ['proof'], ['export-checkpoints'], ['consistency'], ['verify-proof']].map(
        (command) => cli(...command, '--help'),
      ),
    );
    for (const help of [top, verify, proof, exported, consistency, verifyProof]) {
      expect(help?.code).toBe(0);
    }
    for (const command of [
      'verify',
      'proof',
      'export-checkpoints',
      'consistency',
      'verify-proof',
    ]) {
      expect(top?.stdout).toContain(command);
    }
    expect(verify?.stdout).toMatch(/--public-key <file>[\s\S]*--checkpoints <file>/);
    expect(verify?.stdout).toContain('--workers <n>');
    expect(proof?.stdout).toMatch(/<entry>[\s\S]*id:1234[\s\S]*--id/);
    expect(exported?.stdout).toContain('--from <treeSize>');
    expect(consistency?.stdout).toMatch(/<old>[\s\S]*\[new\]/);
    expect(verifyProof?.stdout).toContain('<file>');
  });

  it('verify: exit 0 with a progress line and entries per second; seals nothing', async () => {
    const before = await counts();
    const result = await cli('verify', '--batch-size', '7');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('verifying: 30/30 entries');
    expect(result.stdout).toMatch(
      /Audit log intact: 30 entries, 3 signed checkpoints; the latest covers 30 entries, 0 await the next; 2 events not sealed yet \(\d+ entries\/s\)/,
    );
    expect(await counts()).toEqual(before);
    const intact = { ok: true, entries: 30, checkpoints: 3, coveredEntries: 30 };
    const [json, threaded] = await Promise.all([
      cli('verify', '--json'),
      cli('verify', '--json', '--workers', '2', '--batch-size', '4'),
    ]);
    expect(JSON.parse(json.stdout)).toEqual(intact);
    expect(JSON.parse(threaded.stdout)).toEqual(intact);
  });

  it('verify: exit 1 with one line naming the first bad entry, then the first bad checkpoint', async () => {
    const original = await f.db
      .selectFrom('audit_events')
      .select('outcome')
      .where('seq', '=', 7)
      .executeTakeFirstOrThrow();
    await f.db
      .updateTable('audit_events')
      .set({ outcome: 'failure' })
      .where('seq', '=', 7)
      .execute();
    try {
      const result = await cli('verify');
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'custodia: audit log verification failed at entry 7: its fields do not match its leaf hash\n',
      );
      const json = await cli('verify', '--json');
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: false,
        problem: { kind: 'entry', seq: 7 },
      });
    } finally {
      await f.db.updateTable('audit_events').set(original).where('seq', '=', 7).execute();
    }
    const signed = await f.db
      .selectFrom('audit_checkpoints')
      .select('signed_at')
      .where('tree_size', '=', 20)
      .executeTakeFirstOrThrow();
    await f.db
      .updateTable('audit_checkpoints')
      .set({ signed_at: 1 })
      .where('tree_size', '=', 20)
      .execute();
    try {
      const result = await cli('verify');
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'custodia: audit log verification failed at checkpoint of tree size 20: its signature does not verify\n',
      );
    } finally {
      await f.db.updateTable('audit_checkpoints').set(signed).where('tree_size', '=', 20).execute();
    }
    expect((await cli('verify')).code).toBe(0);
  });

  it('proof: prints an inclusion proof that checks offline, by seq or by event id', async () => {
    const result = await cli('proof', '17');
    expect(result.code).toBe(0);
    const proof = JSON.parse(result.stdout) as InclusionProofDocument;
    expect(proof).toMatchObject({ seq: 17, leafIndex: 16, treeSize: 30 });
    expect(proof.checkpoint.statement).toContain('tree-size 30\n');
    expect(verifyInclusionProofDocument(proof, f.key.publicKey)).toEqual({ ok: true });
    const row = await f.db
      .selectFrom('audit_events')
      .select(['id', 'action'])
      .where('seq', '=', 17)
      .executeTakeFirstOrThrow();
    expect(proof.event).toMatchObject({ id: row.id, action: row.action });
    const byId = await cli('proof', String(row.id), '--id');
    expect(JSON.parse(byId.stdout)).toMatchObject({ seq: 17 });
    // The argument's shape tells a seq from an event id; both are whole numbers in the log.
    const [byShape, bySeq] = await Promise.all([
      cli('proof', `id:${row.id}`),
      cli('proof', 'seq:17'),
    ]);
    expect(JSON.parse(byShape.stdout)).toEqual(proof);
    expect(JSON.parse(bySeq.stdout)).toEqual(proof);
    // The offline check, from the CLI too: with the key kept, and after a change.
    const pem = file('audit-public.pem', f.key.publicKeyPem());
    const saved = file('proof.json', result.stdout);
    const checked = await cli('verify-proof', saved, '--public-key', pem);
    expect(checked.stdout).toContain(`Proof verifies (checked against ${pem})`);
    const altered = file(
      'proof-altered.json',
      JSON.stringify({ ...proof, seq: 18, leafIndex: 17 }),
    );
    const refused = await cli('verify-proof', altered, '--public-key', pem);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'custodia: Proof does not verify: the entry is not the one at this seq\n',
    );
  });

  it('proof: refuses an entry no checkpoint covers yet', async () => {
    const result = await cli('proof', '31');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'custodia: Audit entry 31 is not covered by the latest checkpoint (entries 1..30)\n',
    );
    const unread = await Promise.all(
      [['abc'], ['id:x'], ['seq:0'], ['ID:3'], ['seq:3', '--id']].map((args) =>
        cli('proof', ...args),
      ),
    );
    expect(unread.map((r) => r.code)).toEqual([1, 1, 1, 1, 1]);
    expect(unread[0]?.stderr).toContain('must be a seq (42 or seq:42) or an event id (id:1234)');
    expect(unread[4]?.stderr).toBe(
      'custodia: --id reads a plain number as an event id; drop it or the seq: prefix\n',
    );
    const noSuchId = await cli('proof', 'id:999999');
    expect(noSuchId.stderr).toBe('custodia: No audit event has id 999999\n');
    const unsealed = await f.db
      .selectFrom('audit_events')
      .select('id')
      .where('seq', 'is', null)
      .executeTakeFirstOrThrow();
    expect((await cli('proof', `id:${unsealed.id}`)).stderr).toBe(
      `custodia: Audit event ${unsealed.id} is not sealed yet\n`,
    );
  });

  it('export-checkpoints and consistency: the log only grew', async () => {
    const all = await cli('export-checkpoints');
    expect(all.code).toBe(0);
    const lines = all.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      type: 'public-key',
      algorithm: 'Ed25519',
      keyId: f.key.keyId,
    });
    expect(lines.slice(1).map((line) => line['treeSize'])).toEqual([10, 20, 30]);
    const from = await cli('export-checkpoints', '--from', '20');
    expect(from.stdout.trim().split('\n')).toHaveLength(3);
    const consistency = await cli('consistency', '10', '30');
    expect(consistency.code).toBe(0);
    const proof = JSON.parse(consistency.stdout) as unknown;
    expect(proof).toMatchObject({ oldTreeSize: 10, newTreeSize: 30 });
    expect(verifyConsistencyProofDocument(proof, f.key.publicKey)).toEqual({ ok: true });
    expect(JSON.parse((await cli('consistency', '10')).stdout)).toMatchObject({ newTreeSize: 30 });
    const missing = await cli('consistency', '15');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('custodia: No checkpoint covers exactly 15 entries\n');
  });

  it('verify --checkpoints: a deleted newest checkpoint shows against the exported copy', async () => {
    const exported = file('checkpoints.jsonl', (await cli('export-checkpoints')).stdout);
    const newest = await f.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('tree_size', '=', 30)
      .executeTakeFirstOrThrow();
    await f.db.deleteFrom('audit_checkpoints').where('tree_size', '=', 30).execute();
    try {
      const alone = await cli('verify', '--json');
      expect(JSON.parse(alone.stdout)).toMatchObject({ ok: true, coveredEntries: 20 });
      const result = await cli('verify', '--checkpoints', exported);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'custodia: audit log verification failed at checkpoint of tree size 30: missing from the database (the exported copy has it)\n',
      );
    } finally {
      await f.db.insertInto('audit_checkpoints').values(newest).execute();
    }
  });

  it('verify: without the signing key file, asks for the public key kept elsewhere', async () => {
    const path = auditSigningKeyPath(f.config.keyringPath);
    renameSync(path, `${path}.away`);
    try {
      const result = await cli('verify');
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`custodia: No audit signing key at ${path}: pass --public-key\n`);
      const pem = file('kept-public.pem', f.key.publicKeyPem());
      const kept = await cli('verify', '--public-key', pem, '--json');
      expect(kept.code).toBe(0);
      expect(JSON.parse(kept.stdout)).toMatchObject({ ok: true, entries: 30 });
      expect((await cli('proof', '3')).stderr).toContain('No audit signing key at');
    } finally {
      renameSync(`${path}.away`, path);
    }
  });
});
