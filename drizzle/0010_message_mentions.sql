-- Mentions (docs/PROTOCOL.md › Mentions) live in the body as `<@id>` tokens; this derives the
-- mentioned ids from it, with the pattern of @chatsockets/protocol `MENTION_TOKEN`, so that an
-- unread-mention count is an index scan. A generated column follows every insert, edit and
-- delete (a deleted body is "", so no mentions) without touching send_messages().
CREATE OR REPLACE FUNCTION message_mentions(p_body text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT lower(m[1])), '{}')
  FROM regexp_matches(p_body, '<@([A-Za-z0-9_-]{1,64})>', 'g') AS m
$$;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "mentions" text[] GENERATED ALWAYS AS (message_mentions("body")) STORED NOT NULL;--> statement-breakpoint
-- Only messages that mention someone: the unread-mention scan of a chat (seq past the reader's
-- marker) touches those alone.
CREATE INDEX "messages_mentions_idx" ON "messages" USING btree ("chat_id","seq") WHERE cardinality("mentions") > 0;
