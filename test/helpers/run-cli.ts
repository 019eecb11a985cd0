import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The `custodia` entry point, compiled before the tests run (test/global-setup.ts). */
export const CLI_ENTRY = fileURLToPath(new URL('../../.test-dist/cli/main.js', import.meta.url));

// tsx is resolved here, not from the child's working directory, so a child may run anywhere.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** How a child process ended and what it wrote. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where and with which settings a child runs. */
export interface CliOptions {
  /** Settings added to a clean environment (no CUSTODIA_* of the test process leaks in). */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Options for Node.js itself, before the entry point (such as `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
}

function childEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('CUSTODIA_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/** An entry point running in a child Node.js process, with its output collected. */
export interface ChildHandle {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves when the process has exited and its streams are drained. */
  readonly exited: Promise<CliResult>;
  /** Resolves with the first JSON log line on stdout whose `msg` is `msg`; rejects on exit. */
  waitForLog(msg: string): Promise<Record<string, unknown>>;
}

/** Starts `entry` with the given arguments: a .ts file under tsx, a .js file as it is. */
export function spawnTs(
  entry: string,
  args: readonly string[],
  options: CliOptions = {},
): ChildHandle {
  const loader = entry.endsWith('.ts') ? ['--import', TSX_LOADER] : [];
  const nodeArgs = [...(options.nodeArgs ?? []), ...loader];
  const child = spawn(process.execPath, [...nodeArgs, entry, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: childEnv(options.env),
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  const records: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (r: Record<string, unknown>) => void }[] = [];
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      records.push(record);
      for (const waiter of waiters.filter((w) => w.msg === record['msg'])) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    }
  });
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    exited,
    waitForLog: (msg) => {
      const seen = records.find((record) => record['msg'] === msg);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ msg, resolve });
        void exited.then((result) =>
          reject(
            new Error(
              `process exited (${result.code ?? result.signal}) before logging "${msg}": ${result.stderr}`,
            ),
          ),
        );
      });
    },
  };
}

/** Runs `custodia <args>` to completion. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const handle = spawnTs(CLI_ENTRY, args, options);
  handle.child.stdin.end();
  return handle.exited;
}
