CREATE TABLE "chat_departures" (
	"chat_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"rev" integer NOT NULL,
	"left_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_departures_pkey" PRIMARY KEY("chat_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "chat_members" ADD COLUMN "rev" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "last_rev" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "rev" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "chat_departures" ADD CONSTRAINT "chat_departures_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_departures" ADD CONSTRAINT "chat_departures_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "chat_departures_chat_id_rev_idx" ON "chat_departures" USING btree ("chat_id","rev");--> statement-breakpoint
CREATE INDEX "messages_chat_id_rev_idx" ON "messages" USING btree ("chat_id","rev");--> statement-breakpoint
-- The per-chat change cursor (ARCHITECTURE.md › Change cursor). Existing chats get gapless revs:
-- their members first (in joining order), then their messages in seq order, each at its
-- current state.
WITH ranked AS (
  SELECT chat_id, user_id, row_number() OVER (PARTITION BY chat_id ORDER BY joined_at, user_id) AS r
  FROM chat_members
)
UPDATE chat_members cm SET rev = ranked.r FROM ranked
WHERE cm.chat_id = ranked.chat_id AND cm.user_id = ranked.user_id;--> statement-breakpoint
WITH counts AS (SELECT chat_id, count(*)::integer AS n FROM chat_members GROUP BY chat_id)
UPDATE messages m SET rev = m.seq + coalesce((SELECT n FROM counts WHERE counts.chat_id = m.chat_id), 0);--> statement-breakpoint
WITH counts AS (SELECT chat_id, count(*)::integer AS n FROM chat_members GROUP BY chat_id)
UPDATE chats c SET last_rev = c.last_seq + coalesce((SELECT n FROM counts WHERE counts.chat_id = c.id), 0);--> statement-breakpoint
-- The one-send function of 0001/0004 knows nothing of revs; no release since 0005 calls it.
DROP FUNCTION IF EXISTS send_message(uuid, uuid, text, text);--> statement-breakpoint
-- send_messages() of 0006, plus revs: a chat's new sends take its next revs with their seqs, in
-- the same bump (last_rev moves by the same count as last_seq), so a send costs no extra
-- statement. The result gains a `rev` column, hence DROP and CREATE.
DROP FUNCTION IF EXISTS send_messages(jsonb);--> statement-breakpoint
CREATE FUNCTION send_messages(p_items jsonb)
RETURNS TABLE (ord integer, status text, id uuid, chat_id uuid, seq integer, author_id uuid,
               client_id text, body text, created_at timestamptz, edited_at timestamptz,
               deleted_at timestamptz, rev integer, username text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1
    FROM (SELECT DISTINCT (e->>'chatId')::uuid AS id FROM jsonb_array_elements(p_items) e
          ORDER BY 1) wanted,
    LATERAL (SELECT 1 FROM chats WHERE chats.id = wanted.id FOR NO KEY UPDATE) locked;
  RETURN QUERY
  WITH items AS (
    SELECT i.ord::integer AS ord, i.chat_id, i.author_id, i.client_id, i.body
    FROM ROWS FROM (jsonb_to_recordset(p_items)
           AS ("chatId" uuid, "authorId" uuid, "clientId" text, body text))
      WITH ORDINALITY AS i(chat_id, author_id, client_id, body, ord)
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
    INSERT INTO messages (chat_id, seq, author_id, client_id, body, rev)
    SELECT f.chat_id, b.base + f.k, f.author_id, f.client_id, f.body, b.rev_base + f.k
    FROM fresh f JOIN bumped b ON b.chat_id = f.chat_id
    RETURNING messages.id, messages.chat_id, messages.seq, messages.author_id, messages.client_id,
              messages.body, messages.created_at, messages.edited_at, messages.deleted_at,
              messages.rev
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
         CASE WHEN c.member THEN (SELECT u.username FROM users u WHERE u.id = c.author_id) END
  FROM classified c
  LEFT JOIN LATERAL (
    SELECT * FROM inserted i
      WHERE i.author_id = c.author_id AND i.chat_id = c.chat_id AND i.client_id = c.client_id
    UNION ALL
    SELECT ex.id, ex.chat_id, ex.seq, ex.author_id, ex.client_id, ex.body, ex.created_at,
           ex.edited_at, ex.deleted_at, ex.rev
      FROM messages ex WHERE ex.id = c.existing_id
  ) m ON c.member
  ORDER BY c.ord;
END
$$;
