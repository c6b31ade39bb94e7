-- Replies, reactions and pins (#17). Each is a change of a message, so each moves the message's
-- rev: the changes feed finds it by the (chat_id, rev) range scan it already does.
ALTER TABLE "messages" ADD COLUMN "reply_to_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "pinned_at" timestamp with time zone;--> statement-breakpoint
-- Messages are only ever removed with their chat (a delete keeps a tombstone), so no index backs
-- this key: it is never looked up from the referenced side except by that cascade.
ALTER TABLE "messages" ADD CONSTRAINT "messages_reply_to_id_messages_id_fk" FOREIGN KEY ("reply_to_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_chat_id_pinned_at_idx" ON "messages" USING btree ("chat_id","pinned_at") WHERE "messages"."pinned_at" is not null;--> statement-breakpoint
CREATE TABLE "message_reactions" (
	"message_id" uuid NOT NULL,
	"emoji" text NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_reactions_pkey" PRIMARY KEY("message_id","emoji","user_id")
);
-- No index on user_id: users are never deleted by the app, and every index is one more write
-- per reaction.
--> statement-breakpoint
ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- send_messages() of 0007, plus replies: an item may carry "replyToId", stored only when it names
-- a message of the same chat; the result gains reply_to_id and pinned_at, hence DROP and CREATE.
DROP FUNCTION IF EXISTS send_messages(jsonb);--> statement-breakpoint
CREATE FUNCTION send_messages(p_items jsonb)
RETURNS TABLE (ord integer, status text, id uuid, chat_id uuid, seq integer, author_id uuid,
               client_id text, body text, created_at timestamptz, edited_at timestamptz,
               deleted_at timestamptz, rev integer, username text, reply_to_id uuid,
               pinned_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1
    FROM (SELECT DISTINCT (e->>'chatId')::uuid AS id FROM jsonb_array_elements(p_items) e
          ORDER BY 1) wanted,
    LATERAL (SELECT 1 FROM chats WHERE chats.id = wanted.id FOR NO KEY UPDATE) locked;
  RETURN QUERY
  WITH items AS (
    SELECT i.ord::integer AS ord, i.chat_id, i.author_id, i.client_id, i.body, i.reply_to_id
    FROM ROWS FROM (jsonb_to_recordset(p_items)
           AS ("chatId" uuid, "authorId" uuid, "clientId" text, body text, "replyToId" uuid))
      WITH ORDINALITY AS i(chat_id, author_id, client_id, body, reply_to_id, ord)
  ),
  classified AS (
    SELECT it.*,
           (SELECT true FROM chat_members cm
            WHERE cm.chat_id = it.chat_id AND cm.user_id = it.author_id) IS NOT NULL AS member,
           (SELECT ex.id FROM messages ex
            WHERE ex.author_id = it.author_id AND ex.chat_id = it.chat_id
              AND ex.client_id = it.client_id) AS existing_id,
           row_number() OVER (PARTITION BY it.author_id, it.chat_id, it.client_id
                              ORDER BY it.ord) AS nth
    FROM items it
  ),
  fresh AS (
    SELECT c.ord, c.chat_id, c.author_id, c.client_id, c.body,
           -- Only a message of the same chat: the service says why it refuses any other.
           (SELECT r.id FROM messages r WHERE r.id = c.reply_to_id AND r.chat_id = c.chat_id) AS reply_to_id,
           row_number() OVER (PARTITION BY c.chat_id ORDER BY c.ord)::integer AS k
    FROM classified c
    WHERE c.member AND c.existing_id IS NULL AND c.nth = 1
  ),
  bumped AS (
    UPDATE chats SET last_seq = chats.last_seq + n.cnt, last_rev = chats.last_rev + n.cnt,
                     last_activity_at = now()
    FROM (SELECT f.chat_id, count(*)::integer AS cnt FROM fresh f GROUP BY f.chat_id) n
    WHERE chats.id = n.chat_id
    RETURNING chats.id AS chat_id, chats.last_seq - n.cnt AS base, chats.last_rev - n.cnt AS rev_base
  ),
  inserted AS (
    INSERT INTO messages (chat_id, seq, author_id, client_id, body, rev, reply_to_id)
    SELECT f.chat_id, b.base + f.k, f.author_id, f.client_id, f.body, b.rev_base + f.k, f.reply_to_id
    FROM fresh f JOIN bumped b ON b.chat_id = f.chat_id
    RETURNING messages.id, messages.chat_id, messages.seq, messages.author_id, messages.client_id,
              messages.body, messages.created_at, messages.edited_at, messages.deleted_at,
              messages.rev, messages.reply_to_id, messages.pinned_at
  ),
  marked AS (
    UPDATE chat_members SET read_seq = g.top
    FROM (SELECT i.chat_id, i.author_id, max(i.seq) AS top FROM inserted i GROUP BY 1, 2) g
    WHERE chat_members.chat_id = g.chat_id AND chat_members.user_id = g.author_id
      AND chat_members.read_seq < g.top
  )
  SELECT c.ord,
         CASE WHEN NOT c.member THEN 'refused'
              WHEN c.existing_id IS NULL AND c.nth = 1 THEN 'created'
              ELSE 'duplicate' END,
         m.id, m.chat_id, m.seq, m.author_id, m.client_id, m.body, m.created_at, m.edited_at,
         m.deleted_at, m.rev,
         CASE WHEN c.member THEN (SELECT u.username FROM users u WHERE u.id = c.author_id) END,
         m.reply_to_id, m.pinned_at
  FROM classified c
  LEFT JOIN LATERAL (
    SELECT * FROM inserted i
      WHERE i.author_id = c.author_id AND i.chat_id = c.chat_id AND i.client_id = c.client_id
    UNION ALL
    SELECT ex.id, ex.chat_id, ex.seq, ex.author_id, ex.client_id, ex.body, ex.created_at,
           ex.edited_at, ex.deleted_at, ex.rev, ex.reply_to_id, ex.pinned_at
      FROM messages ex WHERE ex.id = c.existing_id
  ) m ON c.member
  ORDER BY c.ord;
END
$$;
