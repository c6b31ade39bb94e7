\set n random(1, 91)
select s.* from send_messages((select jsonb_agg(jsonb_build_object('chatId', chat_id, 'authorId', user_id, 'clientId', gen_random_uuid()::text, 'body', 'benchmark message: lorem ipsum dolor sit amet, consectetur adipiscing elit')) from bench_ids where n between :n and :n + 9)) s;
