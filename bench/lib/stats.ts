/** Latency samples in milliseconds; percentiles by sorting once (nearest rank). */
export class Samples {
  private values: number[] = [];
  private sorted: Float64Array | undefined;

  add(ms: number): void {
    this.values.push(ms);
    this.sorted = undefined;
  }

  get count(): number {
    return this.values.length;
  }

  percentile(p: number): number {
    if (this.values.length === 0) return Number.NaN;
    this.sorted ??= Float64Array.from(this.values).sort();
    const rank = Math.min(this.sorted.length - 1, Math.max(0, Math.ceil((p / 100) * this.sorted.length) - 1));
    return this.sorted[rank]!;
  }

  max(): number {
    return this.percentile(100);
  }
}

export const fmt = (n: number | undefined, digits = 1): string =>
  n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits);

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

export const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Prints a Markdown table (what docs/BENCHMARKS.md pastes). */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

/** `--name=value` from the command line. */
export function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

/**
 * From two snapshots of a cumulative Prometheus histogram (upper bound ms → count): the bucket
 * bound under which `p` % of the observations between them fall, e.g. "≤ 5 ms".
 */
export function histogramPercentile(
  before: Map<number, number>,
  after: Map<number, number>,
  p: number,
): string {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
  if (total <= 0) return 'n/a';
  for (const le of bounds) {
    const n = (after.get(le) ?? 0) - (before.get(le) ?? 0);
    if (n >= (p / 100) * total) return le === Number.POSITIVE_INFINITY ? '> last bucket' : `≤ ${le} ms`;
  }
  return 'n/a';
}
