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
