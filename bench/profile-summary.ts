// Where a server's CPU went: summarizes a V8 .cpuprofile (written by `--profile` runs of send.ts
// and ws.ts) by self time per function and per package.
//
//   pnpm exec tsx profile-summary.ts results/profiles/<file>.cpuprofile [top=25] [--last=S]
//
// `--last=S` keeps only the samples of the profile's last S seconds: a profile covers the
// server's whole life (start-up, registering users), and the measured window is its end.
// The inclusive view adds, per function of our own code, the time spent in it and below it.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const lastS = Number(process.argv.find((a) => a.startsWith('--last='))?.slice('--last='.length) ?? Infinity);
const file = args[0];
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top] [--last=S]');
  process.exit(2);
}
const top = Number(args[1] ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const endUs = profile.timeDeltas.reduce((a, b) => a + b, 0);
const selfUs = new Map<number, number>();
let atUs = 0;
profile.samples.forEach((id, i) => {
  atUs += profile.timeDeltas[i] ?? 0;
  if (endUs - atUs > lastS * 1e6) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

/** node_modules/.pnpm/<pkg>@x/node_modules/<pkg>/… → <pkg>; our sources by folder; the rest by kind. */
function packageOf(url: string): string {
  if (!url) return '(native / V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node core';
  const m = /\/(apps\/[^/]+\/src\/[^/]+|packages\/[^/]+|bench\/[^/]+)/.exec(url);
  return m ? m[1]! : url;
}

const fnTotals = new Map<string, number>();
const pkgTotals = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  const where = url
    ? `${url.replace(/^.*\/(node_modules|apps|packages|bench)\//, '$1/')}:${lineNumber + 1}`
    : '';
  const key = `${name} ${where}`.trim();
  fnTotals.set(key, (fnTotals.get(key) ?? 0) + us);
  const pkg = ['(idle)', '(program)', '(garbage collector)'].includes(name) ? name : packageOf(url);
  pkgTotals.set(pkg, (pkgTotals.get(pkg) ?? 0) + us);
  total += us;
}
const busy = total - (pkgTotals.get('(idle)') ?? 0);
const print = (title: string, m: Map<string, number>, n: number) => {
  console.log(`\n${title} (share of non-idle time, ${(busy / 1e6).toFixed(1)} s)`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    if (k === '(idle)') continue;
    console.log(`${((us / busy) * 100).toFixed(1).padStart(5)} %  ${k}`);
  }
};
print('by package', pkgTotals, 20);
print('by function (self time)', fnTotals, top);

// Inclusive time of our own functions (apps/, packages/): each sample counts once per function
// on its stack, so a handler's figure includes the libraries it calls.
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parentOf.get(n)) {
    const { functionName, url, lineNumber } = byId.get(n)!.callFrame;
    if (!/\/(apps|packages)\//.test(url)) continue;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(apps|packages)\//, '$1/')}:${lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
print('our functions, inclusive', inclusive, top);
