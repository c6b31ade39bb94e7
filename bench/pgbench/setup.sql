-- 100 users, each the only member of its own chat (bench_ids.n = 1..100).
create table bench_ids (n int primary key, user_id uuid, chat_id uuid);
insert into users (id, username, password_hash)
  select gen_random_uuid(), 'u' || g, 'x' from generate_series(1, 100) g;
insert into chats (id, title, kind, visibility)
  select gen_random_uuid(), 'c' || g, 'group', 'private' from generate_series(1, 100) g;
insert into bench_ids select row_number() over (), u.id, null from users u;
with c as (select id, row_number() over () as n from chats)
  update bench_ids b set chat_id = c.id from c where c.n = b.n;
insert into chat_members (chat_id, user_id, role) select chat_id, user_id, 'owner' from bench_ids;
-- A deployment that has been in use: 20 000 earlier messages in a chat of their own, and
-- statistics that say so. On an empty, never-analyzed table the planner picks sequential scans
-- that a session then keeps, and a lone send's cost grows with the run.
insert into users (id, username, password_hash) values (gen_random_uuid(), 'history', 'x');
insert into chats (id, title, kind, visibility, last_seq, last_rev) values (gen_random_uuid(), 'history', 'group', 'private', 20000, 20000);
insert into chat_members (chat_id, user_id, role)
  select c.id, u.id, 'owner' from chats c, users u where c.title = 'history' and u.username = 'history';
insert into messages (chat_id, seq, author_id, client_id, body, rev)
  select c.id, g, u.id, g::text, 'earlier message ' || g, g
  from chats c, users u, generate_series(1, 20000) g where c.title = 'history' and u.username = 'history';
analyze;
