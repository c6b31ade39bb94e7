import { waitForQuiet } from './proc.js';
import { fmt, option } from './stats.js';

/**
 * The benchmarks share two cores with whatever else runs on the machine (other people's test
 * suites, browsers). Before each measured run we wait for a quiet machine (`--quiet-wait=S`,
 * default 60), and a run during which other processes used more than `--max-other=CORES`
 * (default 0.3 of a core) is repeated, up to `--retries=N` times (default 2), keeping the
 * quietest. Every table reports the other processes' CPU, so a noisy run is visible as such.
 */
export const NOISE = {
  quietWaitS: Number(option('quiet-wait') ?? 60),
  maxOtherCores: Number(option('max-other') ?? 0.3),
  retries: Number(option('retries') ?? 2),
};

export async function quietest<T>(
  label: string,
  attempt: () => Promise<T>,
  otherCores: (result: T) => number,
): Promise<T> {
  let best: T | undefined;
  for (let i = 0; i <= NOISE.retries; i++) {
    const busy = await waitForQuiet(NOISE.quietWaitS);
    if (busy >= 0.25) console.log(`[${label}] machine still ${fmt(busy * 100, 0)} % busy; going on`);
    const result = await attempt();
    const other = otherCores(result);
    if (best === undefined || other < otherCores(best)) best = result;
    if (other <= NOISE.maxOtherCores) break;
    if (i < NOISE.retries) {
      console.log(`[${label}] other processes used ${fmt(other, 2)} cores during the run: repeating`);
    }
  }
  return best!;
}
