import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** The sign-in page's budget (#19): what the first visit downloads, gzipped. */
export const INITIAL_LOAD_BUDGET_BYTES = 150 * 1024;

interface ChunkLike {
  type: 'chunk';
  fileName: string;
  code: string;
  isEntry: boolean;
  imports: string[];
  viteMetadata?: { importedCss: Set<string> };
}
interface AssetLike {
  type: 'asset';
  fileName: string;
  source: string | Uint8Array;
}
export type BundleLike = Record<string, ChunkLike | AssetLike>;

/**
 * The files a first visit loads before any lazy import: index.html, the entry chunk, the
 * chunks it imports statically (transitively) and their CSS. Each with its gzipped size.
 */
export function initialLoad(bundle: BundleLike): Array<{ file: string; gzip: number }> {
  const files = new Set<string>(['index.html']);
  const visit = (name: string) => {
    const chunk = bundle[name];
    if (!chunk || files.has(name)) return;
    files.add(name);
    if (chunk.type !== 'chunk') return;
    for (const css of chunk.viteMetadata?.importedCss ?? []) files.add(css);
    for (const dep of chunk.imports) visit(dep);
  };
  for (const item of Object.values(bundle)) if (item.type === 'chunk' && item.isEntry) visit(item.fileName);
  return [...files].flatMap((file) => {
    const item = bundle[file];
    if (!item) return [];
    const body = item.type === 'chunk' ? item.code : item.source;
    return [{ file, gzip: gzipSync(body, { level: 9 }).length }];
  });
}

/** Fails the build when the sign-in page's first load outgrows its budget; says what it weighs. */
export function initialLoadBudget(budget = INITIAL_LOAD_BUDGET_BYTES): Plugin {
  return {
    name: 'initial-load-budget',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const files = initialLoad(bundle as unknown as BundleLike);
      const total = files.reduce((sum, f) => sum + f.gzip, 0);
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      const detail = files.map((f) => `${f.file} ${kb(f.gzip)}`).join(', ');
      if (total > budget) {
        this.error(
          `the sign-in page loads ${kb(total)} gzipped, over its budget of ${kb(budget)} (${detail})`,
        );
      }
      this.info(`sign-in page first load: ${kb(total)} gzipped of ${kb(budget)} (${detail})`);
    },
  };
}
