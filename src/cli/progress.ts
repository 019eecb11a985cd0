import cliProgress from 'cli-progress';

/** Reports progress of a long operation: a bar on a terminal, plain lines otherwise. */
export interface Progress {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar with rate and ETA when stdout is a terminal; in scripts and CI, one
 * plain line per update so logs stay readable and a supervisor can follow along.
 */
export function createProgress(label: string, unit: string): Progress {
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {speed} ${unit}/s | ETA {eta_formatted}`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    const started = Date.now();
    return {
      start: (total) => bar.start(total, 0, { speed: '0' }),
      update: (done) => {
        const seconds = (Date.now() - started) / 1000;
        bar.update(done, { speed: seconds > 0 ? Math.round(done / seconds).toString() : '0' });
      },
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  return {
    start: (count) => {
      total = count;
      console.log(`${label}: 0/${total} ${unit}`);
    },
    update: (done) => console.log(`${label}: ${done}/${total} ${unit}`),
    stop: () => undefined,
  };
}
