-- A send's lookups are by key (the chat, the membership, the earlier send with this clientId,
-- the quoted message, and the foreign keys' checks), but a backend plans them once and keeps
-- the plan. Planned while the tables are small (a new deployment, or one just analyzed when
-- nearly empty), each becomes a sequential scan, and a send then reads the whole messages
-- table twice until autovacuum's next ANALYZE invalidates the plan: in bench/ws.ts on a fresh
-- database every send read the table (19 million rows read for 8 700 sends, no index scan).
-- With sequential scans off for the call, every lookup, the foreign keys' checks planned during
-- it included, is an index scan whatever the statistics say. pgbench, lone send, on 100 chats:
-- 1 530 → 1 690 sends/s.
ALTER FUNCTION send_messages(jsonb) SET enable_seqscan = off;
