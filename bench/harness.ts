/** One measured figure of a benchmark. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

/** Runs `fn` (which performs `ops` operations) `rounds` times and returns the median rate in ops/s. */
export async function medianRate(rounds: number, ops: number, fn: () => unknown): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    await fn();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(ops / seconds);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? 0;
}

/** Prints figures as a Markdown table, ready for docs/benchmarks.md. */
export function printTable(title: string, figures: readonly Figure[]): void {
  console.log(`\n### ${title}\n`);
  console.log('| measure | value | unit |');
  console.log('| --- | ---: | --- |');
  for (const figure of figures) {
    const value =
      figure.value >= 100
        ? Math.round(figure.value).toLocaleString('en-US')
        : figure.value.toFixed(2);
    console.log(`| ${figure.name} | ${value} | ${figure.unit} |`);
  }
}
