import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * Redocly's `lint` with its recommended rules, from the pinned devDependency, offline: no
 * telemetry, no update check, and none of the caller's environment (a local Redocly login or
 * config in it must not change the verdict). Returns the exit status and what it printed.
 */
export function redoclyLint(file: string): { status: number; output: string } {
  const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
  const result = spawnSync(process.execPath, [cli, 'lint', file, '--format', 'stylish'], {
    encoding: 'utf8',
    env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}
