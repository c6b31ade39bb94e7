-- What a lone send costs Postgres (issue #16, docs/BENCHMARKS.md › A lone send). A profile of
-- one backend running send_messages() one send per transaction put two things on top besides
-- the commit itself:
--
-- message_mentions(), the generated column's function, was a SQL function with a FROM clause:
-- it cannot be inlined, so every INSERT parsed and planned its body again (8 % of the backend's
-- CPU). Now a single expression with a pre-parsed body (RETURN …), inlined into the column's
-- expression, and a body without "<@" skips the regular expression. Mentions may repeat in the
-- array; only `&&` and cardinality() read it.
CREATE OR REPLACE FUNCTION message_mentions(p_body text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN strpos(p_body, '<@') = 0 THEN '{}'::text[]
  ELSE array_remove(regexp_split_to_array(btrim(lower(
         regexp_replace(p_body, '<@([A-Za-z0-9_-]{1,64})>|.', ' \1', 'g'))), '\s+'), '') END;
--> statement-breakpoint
-- The set-based statement of 0009 took a quarter of the backend's CPU just to start (its plan:
-- CTEs, window functions, sorts and sub-plans for a batch of any size). A lone send, which is
-- every send while the database keeps up, now runs four small statements instead; a batch of
-- two or more still takes the set-based path. Same rules, same answers: the chat's row locked
-- first, membership and an earlier send with this clientId read under that lock, no seq burned
-- by a refusal or a duplicate.
CREATE OR REPLACE FUNCTION send_messages(p_items jsonb)
RETURNS TABLE (ord integer, status text, id uuid, chat_id uuid, seq integer, author_id uuid,
               client_id text, body text, created_at timestamptz, edited_at timestamptz,
               deleted_at timestamptz, rev integer, username text, reply_to_id uuid,
               pinned_at timestamptz)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_chat uuid; v_author uuid; v_client text; v_body text; v_reply uuid;
  v_member boolean; v_existing uuid; v_seq integer; v_rev integer;
BEGIN
  -- A lone send (the common case when the database keeps up) takes four small statements
  -- instead of the set-based plan below, whose start-up alone cost more than the rest.
  IF jsonb_array_length(p_items) = 1 THEN
    v_chat := (p_items->0->>'chatId')::uuid;
    v_author := (p_items->0->>'authorId')::uuid;
    v_client := p_items->0->>'clientId';
    v_body := p_items->0->>'body';
    v_reply := (p_items->0->>'replyToId')::uuid;
    PERFORM 1 FROM chats WHERE chats.id = v_chat FOR NO KEY UPDATE;
    SELECT EXISTS (SELECT 1 FROM chat_members cm WHERE cm.chat_id = v_chat AND cm.user_id = v_author),
           (SELECT ex.id FROM messages ex
             WHERE ex.author_id = v_author AND ex.chat_id = v_chat AND ex.client_id = v_client)
      INTO v_member, v_existing;
    IF NOT v_member THEN
      RETURN QUERY SELECT 1, 'refused'::text, NULL::uuid, NULL::uuid, NULL::integer, NULL::uuid, NULL::text,
        NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::integer, NULL::text,
        NULL::uuid, NULL::timestamptz;
      RETURN;
    END IF;
    IF v_existing IS NOT NULL THEN
      RETURN QUERY SELECT 1, 'duplicate'::text, ex.id, ex.chat_id, ex.seq, ex.author_id, ex.client_id,
        ex.body, ex.created_at, ex.edited_at, ex.deleted_at, ex.rev, u.username, ex.reply_to_id, ex.pinned_at
        FROM messages ex JOIN users u ON u.id = ex.author_id WHERE ex.id = v_existing;
      RETURN;
    END IF;
    UPDATE chats SET last_seq = chats.last_seq + 1, last_rev = chats.last_rev + 1, last_activity_at = now()
      WHERE chats.id = v_chat RETURNING chats.last_seq, chats.last_rev INTO v_seq, v_rev;
    RETURN QUERY
    WITH ins AS (
      INSERT INTO messages (chat_id, seq, author_id, client_id, body, rev, reply_to_id)
      VALUES (v_chat, v_seq, v_author, v_client, v_body, v_rev,
              (SELECT r.id FROM messages r WHERE r.id = v_reply AND r.chat_id = v_chat))
      RETURNING messages.id, messages.chat_id, messages.seq, messages.author_id, messages.client_id,
                messages.body, messages.created_at, messages.edited_at, messages.deleted_at,
                messages.rev, messages.reply_to_id, messages.pinned_at
    ), marked AS (
      UPDATE chat_members SET read_seq = v_seq
       WHERE chat_members.chat_id = v_chat AND chat_members.user_id = v_author AND chat_members.read_seq < v_seq
    )
    SELECT 1, 'created'::text, i.id, i.chat_id, i.seq, i.author_id, i.client_id, i.body, i.created_at,
           i.edited_at, i.deleted_at, i.rev, (SELECT u.username FROM users u WHERE u.id = v_author),
           i.reply_to_id, i.pinned_at
      FROM ins i;
    RETURN;
  END IF;
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