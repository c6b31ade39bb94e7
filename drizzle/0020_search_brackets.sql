-- Words written inside angle brackets were never found (found by attacking the server,
-- 2026-12): Postgres' default text search parser reads `<prod>`, `<script>payload</script>` or
-- the `<b and c>` of `if a<b and c>d` as HTML tags and drops them. A body is plain text, never
-- read as HTML (PROTOCOL.md › Search), so the vector is now made from the body with `<` and
-- `>` as spaces: words on either side of them are words like any other. Nothing else the
-- parser reads changes (a `<` or `>` that begins no tag was a separator already). The query
-- and the snippets read them as separators too (search.service.ts, search.repo.ts). Postgres 15
-- cannot change a generated column's expression: the column is made again, its partial GIN
-- index with it, as in 0013.
DROP INDEX "messages_search_idx";--> statement-breakpoint
ALTER TABLE "messages" DROP COLUMN "search_vector";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('russian'::regconfig, translate(body, '<>', '  '))) STORED;--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin ("search_vector") WHERE "messages"."deleted_at" is null;--> statement-breakpoint
-- The rewritten table has no statistics on the new column until autovacuum's next analyze (0013).
ANALYZE "messages";
