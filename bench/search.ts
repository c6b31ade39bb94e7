// Search latency at scale (docs/BENCHMARKS.md › Search): one million messages in 1 000 chats on
// real Postgres, searched over HTTP by a user who is a member of 50 of them. Bulk-loaded with
// generate_series into a scratch database that is dropped at the end.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm exec tsx bench/search.ts \
//     [--messages=1000000] [--chats=1000] [--member=50] [--queries=300] [--keep]
//
// --keep loads into chatsockets_searchbench_kept and leaves it there; the next --keep run finds
// it loaded and only queries (the server still migrates it, so a new migration is timed on
// 1 M rows too). Drop it by hand when done.

import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

const SERVER_DIR = fileURLToPath(new URL('../apps/server/', import.meta.url));
const arg = (name: string, def: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
const MESSAGES = arg('messages', 1_000_000);
const CHATS = arg('chats', 1000);
const MEMBER_OF = arg('member', 50);
const QUERIES = arg('queries', 300);
/** A long tail of rarer words (7-letter tokens), as a real vocabulary has: half of each body. */
const RARE = arg('rare', 20_000);
const rareWord = (n: number) => createHash('md5').update(String(n)).digest('hex').slice(0, 7);
const base = process.env.DATABASE_URL;
if (!base) throw new Error('DATABASE_URL is required (real Postgres)');

// A vocabulary of everyday words in both languages; a message draws 6–16 words, half of them
// from these with a skew (word i is picked with probability falling like a power law, so the
// first few are in a third of all messages, like stop words that are not on a stop list) and
// half from a long tail of RARE tokens, so most words are in few messages, as in real text.
const WORDS = `
время человек год дело жизнь день рука работа слово место лицо друг глаз вопрос дом сторона страна мир случай
голова ребёнок сила конец вид система часть город отношение женщина деньги земля машина вода отец проблема час
право нога решение дверь образ история власть закон война бог голос тысяча книга возможность результат ночь
стол имя область статья число компания народ жена группа развитие процесс суд условие средство начало свет
сообщение сообщения письмо встреча проект задача релиз сервер база поиск файл картинка отчёт неделя утро вечер
time person year way day thing man world life hand part child eye woman place work week case point government
company number group problem fact message messages meeting project release server database search file image
report morning evening deploy build test review merge branch commit issue ticket customer invoice payment order
coffee lunch dinner weekend holiday travel flight hotel ticket weather rain snow summer winter spring autumn
giraffe elephant penguin kangaroo dolphin octopus hedgehog raccoon flamingo walrus жираф слон пингвин кенгуру
`
  .trim()
  .split(/\s+/);

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

async function load(sql: postgres.Sql, searcherId: string) {
  const t0 = performance.now();
  await sql`alter table messages disable trigger messages_fill_attachments`;
  // The search index is rebuilt after the load, from its own definition, whatever that is.
  const [{ def } = { def: '' }] = await sql<
    { def: string }[]
  >`select pg_get_indexdef('messages_search_idx'::regclass) as def`;
  await sql`drop index messages_search_idx`;
  await sql`insert into users (username, password_hash)
              select 'u' || g, 'x' from generate_series(1, 2000) g`;
  await sql`insert into chats (title, kind, visibility)
              select 'chat ' || g, 'group', 'private' from generate_series(1, ${CHATS}) g`;
  // Five random members per chat, plus the searcher in the first MEMBER_OF chats.
  await sql`insert into chat_members (chat_id, user_id, role)
              select c.id, u.id, 'member'
              from (select id, row_number() over (order by id) n from chats) c
              cross join lateral (select id from users where username like 'u%'
                                  order by hashtextextended(c.id::text || username, 0) limit 5) u
              on conflict do nothing`;
  await sql`insert into chat_members (chat_id, user_id, role)
              select id, ${searcherId}, 'member' from chats order by id limit ${MEMBER_OF}`;
  const perChat = Math.ceil(MESSAGES / CHATS);
  await sql`
      with c as (select id, row_number() over (order by id) n from chats),
           w as (select ${WORDS}::text[] as words, ${WORDS.length}::int as n)
      insert into messages (chat_id, seq, author_id, client_id, body, created_at, rev)
      select c.id, s, (select user_id from chat_members where chat_id = c.id limit 1), s::text,
             -- k * 0 ties the aggregate to the inner query (an aggregate of outer columns only is the outer query's).
             (select string_agg(case when random() < 0.5
                                     then w.words[1 + floor(w.n * power(random() + k * 0, 2.2))::int]
                                     else substr(md5(floor(${RARE} * power(random() + k * 0, 1.5))::text), 1, 7) end, ' ')
                from generate_series(1, 6 + (random() * 10)::int + s * 0) k),
             now() - make_interval(mins => ${perChat} - s), s
      from c, w, generate_series(1, ${perChat}) s`;
  await sql`update chats set last_seq = ${perChat}, last_rev = ${perChat}`;
  const loaded = performance.now();
  await sql.unsafe(def);
  await sql`alter table messages enable trigger messages_fill_attachments`;
  await sql`vacuum analyze messages`;
  await sql`analyze`;
  const indexed = performance.now();
  const [{ count } = { count: '?' }] = await sql<{ count: string }[]>`select count(*) from messages`;
  const [{ size } = { size: '?' }] = await sql<
    { size: string }[]
  >`select pg_size_pretty(pg_relation_size('messages_search_idx')) as size`;
  console.log(
    `loaded ${count} messages in ${CHATS} chats: ${((loaded - t0) / 1000).toFixed(0)} s; GIN index ${size} in ${((indexed - loaded) / 1000).toFixed(0)} s`,
  );
}

async function main() {
  const keep = process.argv.includes('--keep');
  const name = keep ? 'chatsockets_searchbench_kept' : `chatsockets_searchbench_${Date.now().toString(36)}`;
  const admin = postgres(base as string, { max: 1, onnotice: () => {} });
  const exists = (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
  if (!exists) await admin.unsafe(`create database ${name}`);
  const url = new URL(base as string);
  url.pathname = `/${name}`;
  let server: ChildProcess | undefined;
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const port = await freePort();
    server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: SERVER_DIR,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: url.toString(),
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'development',
        LOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const api = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${api}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 600) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const reg = await fetch(`${api}/api/auth/${exists ? 'login' : 'register'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'searcher', password: 'correct horse battery' }),
    });
    const { token, user } = (await reg.json()) as { token: string; user: { id: string } };

    if (!exists) await load(sql, user.id);

    // Queries: words by frequency rank (common, middle, rare), two-word queries, a phrase,
    // an exclusion, and the same within one chat.
    const chatIds = (
      await sql<{ id: string }[]>`select chat_id as id from chat_members where user_id = ${user.id}`
    ).map((r) => r.id);
    const pick = (from: number, to: number) =>
      WORDS[from + Math.floor(Math.random() * (to - from))] as string;
    const kinds: Array<[string, () => { q: string; chatId?: string }]> = [
      ['common word', () => ({ q: pick(0, 10) })],
      ['middle word', () => ({ q: pick(40, 120) })],
      ['rarest everyday word', () => ({ q: pick(WORDS.length - 40, WORDS.length) })],
      ['long-tail word', () => ({ q: rareWord(Math.floor(RARE * 0.5 + Math.random() * RARE * 0.5)) })],
      ['two words', () => ({ q: `${pick(0, 60)} ${pick(20, 120)}` })],
      ['phrase', () => ({ q: `"${pick(0, 20)} ${pick(0, 20)}"` })],
      ['word -word', () => ({ q: `${pick(10, 80)} -${pick(0, 10)}` })],
      [
        'in one chat',
        () => ({ q: pick(0, 120), chatId: chatIds[Math.floor(Math.random() * chatIds.length)] }),
      ],
    ];
    const times = new Map<string, number[]>();
    const all: number[] = [];
    let hits = 0;
    // Warm-up: the first queries read the index from disk.
    for (let i = 0; i < 20; i++) {
      await fetch(`${api}/api/search?q=${encodeURIComponent(pick(0, WORDS.length))}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    }
    for (let i = 0; i < QUERIES; i++) {
      const [kind, make] = kinds[i % kinds.length] as (typeof kinds)[number];
      const params = new URLSearchParams(Object.entries(make()).filter(([, v]) => v) as [string, string][]);
      const started = performance.now();
      const res = await fetch(`${api}/api/search?${params}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { results?: unknown[] };
      const ms = performance.now() - started;
      if (!res.ok) throw new Error(`search ${params}: ${res.status} ${JSON.stringify(body)}`);
      hits += body.results?.length ?? 0;
      all.push(ms);
      times.set(kind, [...(times.get(kind) ?? []), ms]);
    }
    console.log(`| queries | n | p50 ms | p95 ms | max ms |`);
    console.log(`| --- | --- | --- | --- | --- |`);
    for (const [kind, xs] of times) {
      console.log(
        `| ${kind} | ${xs.length} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 95).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`,
      );
    }
    console.log(
      `| all | ${all.length} | ${pct(all, 50).toFixed(1)} | ${pct(all, 95).toFixed(1)} | ${Math.max(...all).toFixed(1)} |`,
    );
    console.log(
      `results per query (mean): ${(hits / all.length).toFixed(1)}; searcher in ${chatIds.length} chats`,
    );
  } finally {
    server?.kill('SIGTERM');
    if (server) await once(server, 'exit').catch(() => {});
    await sql.end({ timeout: 5 });
    if (!keep) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

await main();
