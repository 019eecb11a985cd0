// Before any test file runs: the CLI compiled to JavaScript, file for file, in
// `.test-dist/` (laid out as `dist/` is, so paths relative to a module resolve alike).
// Tests that run `custodia` start it there with plain Node, as it ships, instead of
// compiling every module again in each child process.
import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const TEST_DIST = fileURLToPath(new URL('../.test-dist/', import.meta.url));
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

export default async function setup(): Promise<void> {
  rmSync(TEST_DIST, { recursive: true, force: true });
  const entryPoints = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => `${SRC}${file}`);
  await build({
    entryPoints,
    outdir: TEST_DIST,
    outbase: SRC,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
  });
}
