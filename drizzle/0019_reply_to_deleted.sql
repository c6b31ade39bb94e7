-- A reply whose original was deleted after the service checked it, and before the send took
-- the chat's lock, was stored anyway, quoting a message deleted first (found by attacking the
-- server, 2026-12-02): `409 CONFLICT` and nothing written, as for a reply to a message deleted
-- before the check (PROTOCOL.md › Replies). A message's delete takes its chat's row lock, as a
-- send does, so under that lock a statement sees it committed or not begun. The rest as in 0016.
CREATE OR REPLACE FUNCTION send_messages(p_items jsonb)
RETURNS TABLE (ord integer, status text, id uuid, chat_id uuid, seq integer, author_id uuid,
               client_id text, body text, created_at timestamptz, edited_at timestamptz,
               deleted_at timestamptz, rev integer, username text, reply_to_id uuid,
               pinned_at timestamptz, attachments jsonb)
LANGUAGE plpgsql SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
  v_id uuid; v_chat uuid; v_author uuid; v_client text; v_body text; v_reply uuid; v_files boolean;
  v_member boolean; v_existing uuid;
BEGIN
  -- A lone send (the common case when the database keeps up) takes three small statements
  -- instead of the set-based plan below, whose start-up alone cost more than the rest.
  IF jsonb_array_length(p_items) = 1 THEN
    v_id := coalesce((p_items->0->>'id')::uuid, gen_random_uuid());
    v_chat := (p_items->0->>'chatId')::uuid;
    v_author := (p_items->0->>'authorId')::uuid;
    v_client := p_items->0->>'clientId';
    v_body := p_items->0->>'body';
    v_reply := (p_items->0->>'replyToId')::uuid;
    v_files := coalesce((p_items->0->>'attachments')::boolean, false);
    PERFORM 1 FROM chats WHERE chats.id = v_chat FOR NO KEY UPDATE;
    -- Read under the chat's lock, in a statement of their own: a concurrent send with the same
    -- clientId has committed or not yet begun.
    SELECT EXISTS (SELECT 1 FROM chat_members cm WHERE cm.chat_id = v_chat AND cm.user_id = v_author),
           (SELECT ex.id FROM messages ex
             WHERE ex.author_id = v_author AND ex.chat_id = v_chat AND ex.client_id = v_client)
      INTO v_member, v_existing;
    IF NOT v_member THEN
      RETURN QUERY SELECT 1, 'refused'::text, NULL::uuid, NULL::uuid, NULL::integer, NULL::uuid, NULL::text,
        NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::integer, NULL::text,
        NULL::uuid, NULL::timestamptz, NULL::jsonb;
      RETURN;
    END IF;
    IF v_existing IS NOT NULL THEN
      RETURN QUERY SELECT 1, 'duplicate'::text, ex.id, ex.chat_id, ex.seq, ex.author_id, ex.client_id,
        ex.body, ex.created_at, ex.edited_at, ex.deleted_at, ex.rev, u.username, ex.reply_to_id, ex.pinned_at,
        ex.attachments
        FROM messages ex JOIN users u ON u.id = ex.author_id WHERE ex.id = v_existing;
      RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM messages r
                WHERE r.id = v_reply AND r.chat_id = v_chat AND r.deleted_at IS NOT NULL) THEN
      RETURN QUERY SELECT 1, 'reply_deleted'::text, NULL::uuid, NULL::uuid, NULL::integer, NULL::uuid,
        NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::integer,
        NULL::text, NULL::uuid, NULL::timestamptz, NULL::jsonb;
      RETURN;
    END IF;
    RETURN QUERY
    WITH bumped AS (
      UPDATE chats SET last_seq = chats.last_seq + 1, last_rev = chats.last_rev + 1, last_activity_at = now()
       WHERE chats.id = v_chat
      RETURNING chats.last_seq, chats.last_rev
    ), ins AS (
      INSERT INTO messages (id, chat_id, seq, author_id, client_id, body, rev, reply_to_id, attachments)
      SELECT v_id, v_chat, b.last_seq, v_author, v_client, v_body, b.last_rev,
             (SELECT r.id FROM messages r WHERE r.id = v_reply AND r.chat_id = v_chat),
             CASE WHEN v_files THEN message_attachments(v_author, v_chat, v_client) ELSE '[]'::jsonb END
        FROM bumped b
      RETURNING messages.id, messages.chat_id, messages.seq, messages.author_id, messages.client_id,
                messages.body, messages.created_at, messages.edited_at, messages.deleted_at,
                messages.rev, messages.reply_to_id, messages.pinned_at, messages.attachments
    ), marked AS (
      UPDATE chat_members SET read_seq = i.seq FROM ins i
       WHERE chat_members.chat_id = v_chat AND chat_members.user_id = v_author
         AND chat_members.read_seq < i.seq
    )
    SELECT 1, 'created'::text, i.id, i.chat_id, i.seq, i.author_id, i.client_id, i.body, i.created_at,
           i.edited_at, i.deleted_at, i.rev, (SELECT u.username FROM users u WHERE u.id = v_author),
           i.reply_to_id, i.pinned_at, i.attachments
      FROM ins i;
    RETURN;
  END IF;
  PERFORM 1
    FROM (SELECT DISTINCT (e->>'chatId')::uuid AS id FROM jsonb_array_elements(p_items) e
          ORDER BY 1) wanted,
    LATERAL (SELECT 1 FROM chats WHERE chats.id = wanted.id FOR NO KEY UPDATE) locked;
  RETURN QUERY
  WITH items AS (
    SELECT i.ord::integer AS ord, coalesce(i.id, gen_random_uuid()) AS id, i.chat_id, i.author_id,
           i.client_id, i.body, i.reply_to_id, coalesce(i.files, false) AS files
    FROM ROWS FROM (jsonb_to_recordset(p_items)
           AS (id uuid, "chatId" uuid, "authorId" uuid, "clientId" text, body text, "replyToId" uuid,
               attachments boolean))
      WITH ORDINALITY AS i(id, chat_id, author_id, client_id, body, reply_to_id, files, ord)
  ),
  classified AS (
    SELECT it.*,
           (SELECT true FROM chat_members cm
            WHERE cm.chat_id = it.chat_id AND cm.user_id = it.author_id) IS NOT NULL AS member,
           (SELECT ex.id FROM messages ex
            WHERE ex.author_id = it.author_id AND ex.chat_id = it.chat_id
              AND ex.client_id = it.client_id) AS existing_id,
           row_number() OVER (PARTITION BY it.author_id, it.chat_id, it.client_id
                              ORDER BY it.ord) AS nth,
           -- The first send of a clientId answers a message deleted by now: none of its sends is stored.
           first_value(EXISTS (SELECT 1 FROM messages r
                                WHERE r.id = it.reply_to_id AND r.chat_id = it.chat_id
                                  AND r.deleted_at IS NOT NULL))
             OVER (PARTITION BY it.author_id, it.chat_id, it.client_id ORDER BY it.ord) AS reply_gone
    FROM items it
  ),
  fresh AS (
    SELECT c.ord, c.id, c.chat_id, c.author_id, c.client_id, c.body, c.files,
           -- Only a message of the same chat: the service says why it refuses any other.
           (SELECT r.id FROM messages r WHERE r.id = c.reply_to_id AND r.chat_id = c.chat_id) AS reply_to_id,
           row_number() OVER (PARTITION BY c.chat_id ORDER BY c.ord)::integer AS k
    FROM classified c
    WHERE c.member AND c.existing_id IS NULL AND c.nth = 1 AND NOT c.reply_gone
  ),
  bumped AS (
    UPDATE chats SET last_seq = chats.last_seq + n.cnt, last_rev = chats.last_rev + n.cnt,
                     last_activity_at = now()
    FROM (SELECT f.chat_id, count(*)::integer AS cnt FROM fresh f GROUP BY f.chat_id) n
    WHERE chats.id = n.chat_id
    RETURNING chats.id AS chat_id, chats.last_seq - n.cnt AS base, chats.last_rev - n.cnt AS rev_base
  ),
  inserted AS (
    INSERT INTO messages (id, chat_id, seq, author_id, client_id, body, rev, reply_to_id, attachments)
    SELECT f.id, f.chat_id, b.base + f.k, f.author_id, f.client_id, f.body, b.rev_base + f.k, f.reply_to_id,
           CASE WHEN f.files THEN message_attachments(f.author_id, f.chat_id, f.client_id)
                ELSE '[]'::jsonb END
    FROM fresh f JOIN bumped b ON b.chat_id = f.chat_id
    RETURNING messages.id, messages.chat_id, messages.seq, messages.author_id, messages.client_id,
              messages.body, messages.created_at, messages.edited_at, messages.deleted_at,
              messages.rev, messages.reply_to_id, messages.pinned_at, messages.attachments
  ),
  marked AS (
    UPDATE chat_members SET read_seq = g.top
    FROM (SELECT i.chat_id, i.author_id, max(i.seq) AS top FROM inserted i GROUP BY 1, 2) g
    WHERE chat_members.chat_id = g.chat_id AND chat_members.user_id = g.author_id
      AND chat_members.read_seq < g.top
  )
  SELECT c.ord,
         CASE WHEN NOT c.member THEN 'refused'
              WHEN c.existing_id IS NULL AND c.reply_gone THEN 'reply_deleted'
              WHEN c.existing_id IS NULL AND c.nth = 1 THEN 'created'
              ELSE 'duplicate' END,
         m.id, m.chat_id, m.seq, m.author_id, m.client_id, m.body, m.created_at, m.edited_at,
         m.deleted_at, m.rev,
         CASE WHEN c.member THEN (SELECT u.username FROM users u WHERE u.id = c.author_id) END,
         m.reply_to_id, m.pinned_at, m.attachments
  FROM classified c
  LEFT JOIN LATERAL (
    SELECT * FROM inserted i
      WHERE i.author_id = c.author_id AND i.chat_id = c.chat_id AND i.client_id = c.client_id
    UNION ALL
    SELECT ex.id, ex.chat_id, ex.seq, ex.author_id, ex.client_id, ex.body, ex.created_at,
           ex.edited_at, ex.deleted_at, ex.rev, ex.reply_to_id, ex.pinned_at, ex.attachments
      FROM messages ex WHERE ex.id = c.existing_id
  ) m ON c.member AND NOT (c.existing_id IS NULL AND c.reply_gone)
  ORDER BY c.ord;
END
$$;
