-- "Seen by" counts a member for the messages sent while they were one: those after the chat's last
-- seq when they joined. Compared by time (joined_at <= created_at) it could count a member for a
-- message sent before they joined, when the send's transaction began before the join's but took
-- the chat's lock after it. Rows from before this migration get the last message older than
-- their joined_at, which is what the time comparison decided for them.
ALTER TABLE "chat_members" ADD COLUMN "joined_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "chat_members" m SET "joined_seq" = coalesce((
  SELECT max(g."seq") FROM "messages" g WHERE g."chat_id" = m."chat_id" AND g."created_at" < m."joined_at"
), 0);
