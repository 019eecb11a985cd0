// Where a checkout's time goes: the checkout benchmark's server under `node --cpu-prof`,
// one measured run, then the CPU the server and the load generator spent per order and
// the server's main-thread time by package and by function, counted only while the
// measured run lasted (setup and warm-up excluded).
//
//   npx tsx bench/profile-checkout.ts [protected|pass-through] [orders]
//   CUSTODIA_BENCH_DATABASE_URL=postgres://… npx tsx bench/profile-checkout.ts
//
// A profiler samples the main thread on a wall clock: time the thread waits inside a
// system call (an fsync, a socket write while another process has the core) counts
// against the function that made the call.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkouts, startCheckoutServer, type CheckoutMode } from './checkout-load.js';
import { perOrder, processStats } from './process-stats.js';

const [modeArg = 'protected', ordersArg = '3000'] = process.argv.slice(2);
if (modeArg !== 'protected' && modeArg !== 'pass-through') {
  throw new Error(`mode must be protected or pass-through, not ${modeArg}`);
}
const mode: CheckoutMode = modeArg;
const orders = Number(ordersArg);
const postgresUrl = process.env['CUSTODIA_BENCH_DATABASE_URL'];

interface CpuProfile {
  readonly nodes: readonly {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The package (or source file) a profiled frame belongs to. */
function ownerOf(url: string): string {
  if (url === '') return '(native)';
  const modules = url.split('node_modules/').pop() ?? url;
  if (modules !== url)
    return modules
      .split('/')
      .slice(0, modules.startsWith('@') ? 2 : 1)
      .join('/');
  return url.replace(/^file:\/\/.*?\/(src|bench|test)\//, '$1/');
}

/** Self time per key over the samples taken between `from` and `to` (µs, monotonic). */
function selfTimes(profile: CpuProfile, from: number, to: number, keyOf: (id: number) => string) {
  const totals = new Map<string, number>();
  let at = profile.startTime;
  let all = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (at < from || at > to) return;
    const key = keyOf(id);
    totals.set(key, (totals.get(key) ?? 0) + delta);
    all += delta;
  });
  return { all, top: [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25) };
}

function print(title: string, times: { all: number; top: [string, number][] }): void {
  console.log(`\n${title}`);
  for (const [key, micros] of times.top) {
    console.log(`${((micros / times.all) * 100).toFixed(1).padStart(6)}%  ${key}`);
  }
}

const server = await startCheckoutServer(mode, orders, {
  databaseUrl: postgresUrl,
  nodeArgs: (dir) => ['--cpu-prof', '--cpu-prof-dir', join(dir, 'profile')],
});
try {
  const pid = server.child.pid ?? 0;
  const serverBefore = processStats(pid);
  const loadBefore = process.cpuUsage();
  const from = Number(process.hrtime.bigint() / 1000n);
  const run = await checkouts(server.ready, server.measured, server.mailDir);
  const to = Number(process.hrtime.bigint() / 1000n);
  const load = process.cpuUsage(loadBefore);
  const spent = perOrder(serverBefore, processStats(pid), orders);
  // The profile is written when the server exits.
  await server.stop();
  console.log(
    `${mode} on ${postgresUrl === undefined ? 'SQLite' : 'PostgreSQL'}: ${run.ordersPerSecond.toFixed(0)} orders/s to the last confirmation mail (answered at ${run.answeredPerSecond.toFixed(0)}/s), p50 ${run.p50} ms, p99 ${run.p99} ms`,
  );
  console.log(
    `CPU per order: server ${spent.userMs.toFixed(2)} ms user + ${spent.systemMs.toFixed(2)} ms system (main thread ${spent.mainThreadMs.toFixed(2)} ms); load generator ${((load.user + load.system) / 1000 / orders).toFixed(2)} ms`,
  );
  console.log(
    `Server writes per order: ${(spent.writtenBytes / 1024).toFixed(1)} KiB in ${spent.writeCalls.toFixed(1)} calls`,
  );
  const [file] = readdirSync(join(server.dir, 'profile'));
  const profile = JSON.parse(
    readFileSync(join(server.dir, 'profile', file ?? ''), 'utf8'),
  ) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  print(
    'Main thread by package or file (self time):',
    selfTimes(profile, from, to, (id) => ownerOf(frames.get(id)?.url ?? '')),
  );
  print(
    'Main thread by function (self time):',
    selfTimes(profile, from, to, (id) => {
      const frame = frames.get(id);
      return `${frame?.functionName || '(anonymous)'}  ${ownerOf(frame?.url ?? '')}:${frame?.lineNumber ?? 0}`;
    }),
  );
} finally {
  await server.stop();
  await server.cleanup();
}
