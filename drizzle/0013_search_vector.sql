-- Search at scale (docs/BENCHMARKS.md › Search): ranking read the expression index's input
-- again, to_tsvector() of every matching body, which for a common word was most of the time.
-- The vector is now stored (computed once per insert or edit, as the expression index did) and
-- the GIN index is over it; ranking and rechecks read it. Every repository names its message
-- columns (messageColumns), so no page or event ever carries it.
DROP INDEX "messages_search_idx";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('russian'::regconfig, body)) STORED;--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("search_vector") WHERE "messages"."deleted_at" is null;--> statement-breakpoint
-- Search walks the caller's chats a stretch of time at a time, newest first (search.repo.ts):
-- for a word in a large share of all messages, the stretch's rows are cheaper to read than the
-- word's whole posting list, and the planner picks between the two per query.
CREATE INDEX "messages_chat_id_created_at_idx" ON "messages" USING btree ("chat_id","created_at");
--> statement-breakpoint
-- A rewritten table has no statistics on the new column until autovacuum's next analyze, and
-- without them the planner takes every word for a rare one (measured: a phrase of two common
-- words then read 40 000 pages instead of 3 600).
ANALYZE "messages";
