\set n random(1, 100)
select s.* from bench_ids x, send_messages(jsonb_build_array(jsonb_build_object('chatId', x.chat_id, 'authorId', x.user_id, 'clientId', gen_random_uuid()::text, 'body', 'benchmark message: lorem ipsum dolor sit amet, consectetur adipiscing elit'))) s where x.n = :n;
