import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from '@babel/parser';

/**
 * The catalogs' guard, run by `pnpm test` (catalog-check.test.ts): parsed with Babel's parser
 * (TypeScript 7 has no stable JavaScript API), every component's user-visible text must come from a catalog, and every catalog key
 * must exist in every language, with the plural forms that language needs.
 */

export interface Finding {
  file: string;
  line: number;
  text: string;
}

/** Attributes a person reads or hears; a literal in one of these is a string outside the catalogs. */
const TEXT_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'aria-roledescription',
  'aria-valuetext',
  'title',
  'placeholder',
  'alt',
  'label',
]);

/** A letter in any script: '✕', '←', '·' and ' ' are symbols, not words to translate. */
const HAS_LETTER = /\p{L}/u;

/** The app's source files (`.tsx` only for components), without tests and test helpers. */
export function sourceFiles(root: string, exts: readonly string[] = ['.tsx']): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !exts.some((e) => entry.name.endsWith(e)) || /\.test\.tsx?$/.test(entry.name))
      continue;
    const path = join(entry.parentPath, entry.name);
    if (relative(root, path).startsWith('test')) continue;
    out.push(path);
  }
  return out.sort();
}

/** A Babel AST node, walked generically (only `type`, `loc` and children matter here). */
interface Node {
  type: string;
  loc?: { start: { line: number } };
  [key: string]: unknown;
}

function parseFile(path: string, source: string): Node {
  return parse(source, {
    sourceType: 'module',
    plugins: ['jsx', 'typescript'],
    createParenthesizedExpressions: true,
    sourceFilename: path,
  }) as unknown as Node;
}

const isNode = (v: unknown): v is Node =>
  typeof v === 'object' && v !== null && typeof (v as Node).type === 'string';

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'loc' || key.endsWith('Comments')) continue;
    if (Array.isArray(value)) out.push(...value.filter(isNode));
    else if (isNode(value)) out.push(value);
  }
  return out;
}

/** Visits every node with its ancestors (nearest last). */
function walk(root: Node, visit: (node: Node, ancestors: readonly Node[]) => void): void {
  const stack: Node[] = [];
  const go = (node: Node) => {
    visit(node, stack);
    stack.push(node);
    for (const c of children(node)) go(c);
    stack.pop();
  };
  go(root);
}

const lineOf = (node: Node) => node.loc?.start.line ?? 0;
const FUNCTION = /Function|Method$/;

/** String literals an expression renders as text: through ?:, &&, ||, ??, + and template parts, not into calls. */
function renderedLiterals(expr: Node, out: Array<{ node: Node; text: string }>): void {
  switch (expr.type) {
    case 'StringLiteral':
      out.push({ node: expr, text: expr.value as string });
      break;
    case 'TemplateLiteral':
      for (const q of expr.quasis as Node[])
        out.push({ node: q, text: (q.value as { cooked: string }).cooked });
      for (const e of expr.expressions as Node[]) renderedLiterals(e, out);
      break;
    case 'ParenthesizedExpression':
    case 'TSAsExpression':
      renderedLiterals(expr.expression as Node, out);
      break;
    case 'ConditionalExpression':
      renderedLiterals(expr.consequent as Node, out);
      renderedLiterals(expr.alternate as Node, out);
      break;
    case 'LogicalExpression':
      renderedLiterals(expr.left as Node, out);
      renderedLiterals(expr.right as Node, out);
      break;
    case 'BinaryExpression':
      if (expr.operator === '+') {
        renderedLiterals(expr.left as Node, out);
        renderedLiterals(expr.right as Node, out);
      }
  }
}

/** JSX text, and literals in text attributes or rendered expressions, that hold a word. */
export function findLiterals(path: string, source = readFileSync(path, 'utf8')): Finding[] {
  const found: Finding[] = [];
  const report = (node: Node, text: string) => {
    if (HAS_LETTER.test(text)) found.push({ file: path, line: lineOf(node), text: text.trim() });
  };
  const reportExpr = (expr: Node) => {
    const lits: Array<{ node: Node; text: string }> = [];
    renderedLiterals(expr, lits);
    for (const l of lits) report(l.node, l.text);
  };
  walk(parseFile(path, source), (node, ancestors) => {
    if (node.type === 'JSXText') report(node, node.value as string);
    else if (node.type === 'JSXAttribute') {
      const name = node.name as Node;
      const value = node.value as Node | null;
      if (name.type !== 'JSXIdentifier' || !TEXT_ATTRIBUTES.has(name.name as string) || !value) return;
      if (value.type === 'StringLiteral') report(value, value.value as string);
      else if (value.type === 'JSXExpressionContainer') reportExpr(value.expression as Node);
    } else if (node.type === 'JSXExpressionContainer' && ancestors.at(-1)?.type !== 'JSXAttribute') {
      reportExpr(node.expression as Node);
    }
  });
  return found;
}

// ---- catalogs ----

export type Catalogs = Record<string, Record<string, Record<string, unknown>>>; // lang → ns → tree

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

export function flatten(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v !== null && typeof v === 'object'
      ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

/** Keys a `t()` call may name: each key, and each plural key's base ("unread" for "unread_one"). */
export function keySet(tree: Record<string, unknown>): Set<string> {
  const keys = flatten(tree);
  return new Set([...keys, ...keys.map((k) => k.replace(PLURAL_SUFFIX, ''))]);
}

/** Missing namespaces, keys and plural forms, one sentence each. */
export function catalogProblems(catalogs: Catalogs): string[] {
  const problems: string[] = [];
  const langs = Object.keys(catalogs).sort();
  const namespaces = [...new Set(langs.flatMap((l) => Object.keys(catalogs[l] ?? {})))].sort();
  for (const ns of namespaces) {
    const bases = new Map<string, Set<string>>();
    for (const lang of langs) {
      const tree = catalogs[lang]?.[ns];
      if (!tree) {
        problems.push(`${lang}/${ns}.json is missing`);
        continue;
      }
      const keys = flatten(tree);
      bases.set(lang, new Set(keys.map((k) => k.replace(PLURAL_SUFFIX, ''))));
      // Every plural key carries each form the language's Intl.PluralRules can ask for.
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      for (const base of new Set(
        keys.filter((k) => PLURAL_SUFFIX.test(k)).map((k) => k.replace(PLURAL_SUFFIX, '')),
      )) {
        for (const c of categories) {
          if (!keys.includes(`${base}_${c}`)) problems.push(`${lang}/${ns}.json: "${base}_${c}" is missing`);
        }
      }
    }
    for (const lang of langs) {
      for (const other of langs) {
        if (lang === other) continue;
        for (const base of bases.get(other) ?? []) {
          if (bases.has(lang) && !bases.get(lang)!.has(base))
            problems.push(`${lang}/${ns}.json: "${base}" is missing (it is in ${other})`);
        }
      }
    }
  }
  return problems;
}

// ---- t('key') calls ----

export interface KeyUse {
  file: string;
  line: number;
  ns: string;
  /** A key, or for a template key a pattern every key of which the catalog must hold at least one. */
  key: string | RegExp;
}

function namespaceOf(call: Node): string | undefined {
  const [arg] = call.arguments as Node[];
  if (!arg) return 'common';
  if (arg.type === 'StringLiteral') return arg.value as string;
  const first = arg.type === 'ArrayExpression' ? (arg.elements as Node[])[0] : undefined;
  return first?.type === 'StringLiteral' ? (first.value as string) : undefined;
}

const isUseTranslation = (n: Node) =>
  n.type === 'CallExpression' &&
  (n.callee as Node).type === 'Identifier' &&
  (n.callee as Node).name === 'useTranslation';

/** The namespace of the first `useTranslation(ns)` directly in `scope` (not in functions nested in it). */
function ownNamespace(scope: Node): string | undefined {
  let ns: string | undefined;
  const go = (n: Node) => {
    if (ns !== undefined) return;
    if (isUseTranslation(n)) ns = namespaceOf(n);
    else for (const c of children(n)) if (!FUNCTION.test(c.type)) go(c);
  };
  for (const c of children(scope)) if (!FUNCTION.test(c.type)) go(c);
  return ns;
}

/** The first `useTranslation(ns)` anywhere in the file. */
function fileNamespace(file: Node): string | undefined {
  let ns: string | undefined;
  walk(file, (n) => {
    if (ns === undefined && isUseTranslation(n)) ns = namespaceOf(n);
  });
  return ns;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function keyOf(node: Node): Array<string | RegExp> {
  switch (node.type) {
    case 'StringLiteral':
      return [node.value as string];
    case 'TemplateLiteral': {
      const quasis = (node.quasis as Node[]).map((q) => escapeRegExp((q.value as { cooked: string }).cooked));
      return [new RegExp(`^${quasis.join('[^.:]+')}$`)];
    }
    case 'ConditionalExpression':
      return [...keyOf(node.consequent as Node), ...keyOf(node.alternate as Node)];
    case 'ArrayExpression':
      return (node.elements as Node[]).flatMap(keyOf);
    default:
      return [];
  }
}

const isT = (callee: Node) =>
  (callee.type === 'Identifier' && callee.name === 't') ||
  (callee.type === 'MemberExpression' &&
    (callee.property as Node).type === 'Identifier' &&
    (callee.property as Node).name === 't');

/** Every `t(…)` and `i18n.t(…)` call's key(s), with the namespace it resolves in. */
export function findKeyUses(path: string, source = readFileSync(path, 'utf8')): KeyUse[] {
  const file = parseFile(path, source);
  const uses: KeyUse[] = [];
  walk(file, (node, ancestors) => {
    if (node.type !== 'CallExpression' || !isT(node.callee as Node)) return;
    const [first] = node.arguments as Node[];
    if (!first) return;
    // The nearest enclosing function that calls useTranslation decides; a helper taking `t`
    // as a parameter gets the file's.
    const scoped = [...ancestors]
      .reverse()
      .filter((a) => FUNCTION.test(a.type))
      .map(ownNamespace)
      .find((ns) => ns !== undefined);
    const scopeNs = scoped ?? fileNamespace(file) ?? 'common';
    for (const key of keyOf(first)) {
      const raw = typeof key === 'string' ? key : key.source.slice(1);
      const ns = /^([a-z]+):/.exec(raw)?.[1] ?? scopeNs;
      const bare =
        typeof key === 'string' ? key.replace(/^[a-z]+:/, '') : new RegExp(`^${raw.replace(/^[a-z]+:/, '')}`);
      uses.push({ file: path, line: lineOf(node), ns, key: bare });
    }
  });
  return uses;
}

export function missingKeys(uses: KeyUse[], catalogs: Catalogs): string[] {
  const problems: string[] = [];
  for (const lang of Object.keys(catalogs).sort()) {
    for (const u of uses) {
      const tree = catalogs[lang]?.[u.ns];
      const keys = tree ? keySet(tree) : new Set<string>();
      const ok =
        typeof u.key === 'string' ? keys.has(u.key) : [...keys].some((k) => (u.key as RegExp).test(k));
      if (!ok)
        problems.push(
          `${u.file}:${u.line}: t('${u.ns}:${String(u.key)}') has no entry in ${lang}/${u.ns}.json`,
        );
    }
  }
  return problems;
}

export function loadCatalogs(localesDir: string): Catalogs {
  const catalogs: Catalogs = {};
  for (const lang of readdirSync(localesDir)) {
    catalogs[lang] = {};
    for (const file of readdirSync(join(localesDir, lang))) {
      if (!file.endsWith('.json')) continue;
      catalogs[lang][file.slice(0, -5)] = JSON.parse(readFileSync(join(localesDir, lang, file), 'utf8'));
    }
  }
  return catalogs;
}
