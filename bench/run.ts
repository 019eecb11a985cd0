// `npm run bench [-- name …]`: runs the named benchmarks (all when none are named) and
// prints Markdown tables for docs/benchmarks.md. Figures are rates and ratios measured in
// one run on one machine; compare ratios, not absolute times, across machines.
import { cpus } from 'node:os';
import { auditBenchmark } from './audit.bench.js';
import { checkoutBenchmark } from './checkout.bench.js';
import { printTable, type Figure } from './harness.js';
import { loginBenchmark, maskedReadBenchmark } from './identity.bench.js';
import { rotationBenchmark } from './rotation.bench.js';
import { vaultBenchmark } from './vault.bench.js';

const postgresUrl = process.env['CUSTODIA_BENCH_DATABASE_URL'];

const BENCHMARKS: Record<string, { title: string; run: () => Promise<Figure[]> }> = {
  vault: { title: 'Vault: field encryption against raw AES-256-GCM', run: vaultBenchmark },
  login: { title: 'Login: Argon2id per core', run: loginBenchmark },
  'masked-read': { title: 'Masked customer read over HTTP', run: maskedReadBenchmark },
  rotation: {
    title: 'KEK rotation',
    run: async () => [
      ...(await rotationBenchmark()),
      ...(postgresUrl === undefined ? [] : await rotationBenchmark(postgresUrl)),
    ],
  },
  audit: { title: 'Audit log: appends, sealing and verification on SQLite', run: auditBenchmark },
  checkout: {
    title: 'Checkout over HTTP: privacy on against pass-through stand-ins',
    run: () => checkoutBenchmark(postgresUrl),
  },
};

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(
    `Unknown benchmark(s): ${unknown.join(', ')}. Known: ${Object.keys(BENCHMARKS).join(', ')}`,
  );
  process.exit(2);
}
console.log(`Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
for (const name of requested.length > 0 ? requested : Object.keys(BENCHMARKS)) {
  const benchmark = BENCHMARKS[name];
  if (benchmark !== undefined) printTable(benchmark.title, await benchmark.run());
}
