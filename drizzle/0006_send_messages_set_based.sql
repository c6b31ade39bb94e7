-- send_messages() as set-based SQL (ARCHITECTURE.md › Group commit). 0005 stored a batch item by
-- item, six statements each; on a slow 2-core machine each statement cost Postgres 40-90 us, so
-- a send cost ~0.3 ms of its CPU even in a batch. Here a batch is two statements whatever its
-- size: lock its chats, then one statement that classifies, bumps, inserts and moves markers.
-- The rules are those of 0005 and send_message() (0004), outcomes per item in the same rows:
-- - refused: the author is not a member (or there is no such chat);
-- - duplicate: the (author, chat, clientId) is stored already, or came earlier in this batch;
--   the first message comes back as it is now, and no seq is burned;
-- - created: seq = the chat's last_seq + its rank among the batch's new sends to that chat, in
--   arrival order; the bump and the insert share the transaction (no gap on rollback).
-- Locking the chats FIRST, in one global order (by id), makes the duplicate check exact: every
-- send takes its chat's row lock before it inserts, so once the locks are ours, the next
-- statement's snapshot holds every send committed to these chats and none can be half-way.
-- (0005 checked before locking and had to abort and retry when a racing send committed the same
-- clientId in between: CSDUP, which can no longer happen.) NO KEY UPDATE is the lock an UPDATE
-- of last_seq takes anyway, and it lets members and messages reference the chat meanwhile.
CREATE OR REPLACE FUNCTION send_messages(p_items jsonb)
RETURNS TABLE (ord integer, status text, id uuid, chat_id uuid, seq integer, author_id uuid,
               client_id text, body text, created_at timestamptz, edited_at timestamptz,
               deleted_at timestamptz, username text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  -- A primary-key probe per chat, taken in the sorted order of `wanted` (a lateral subquery with
  -- a locking clause runs as a nested loop); `id IN (...)` let the planner scan all of `chats`.
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
  -- Per-item subqueries rather than joins: the planner cannot know that a batch is a handful of
  -- rows and would hash whole tables; a subquery probes the index for each item.
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
  -- The sends to store: members' first use of a clientId, ranked per chat in arrival order.
  fresh AS (
    SELECT c.ord, c.chat_id, c.author_id, c.client_id, c.body,
           row_number() OVER (PARTITION BY c.chat_id ORDER BY c.ord)::integer AS k
    FROM classified c
    WHERE c.member AND c.existing_id IS NULL AND c.nth = 1
  ),
  bumped AS (
    UPDATE chats SET last_seq = chats.last_seq + n.cnt, last_activity_at = now()
    FROM (SELECT f.chat_id, count(*)::integer AS cnt FROM fresh f GROUP BY f.chat_id) n
    WHERE chats.id = n.chat_id
    RETURNING chats.id AS chat_id, chats.last_seq - n.cnt AS base
  ),
  inserted AS (
    INSERT INTO messages (chat_id, seq, author_id, client_id, body)
    SELECT f.chat_id, b.base + f.k, f.author_id, f.client_id, f.body
    FROM fresh f JOIN bumped b ON b.chat_id = f.chat_id
    RETURNING messages.id, messages.chat_id, messages.seq, messages.author_id, messages.client_id,
              messages.body, messages.created_at, messages.edited_at, messages.deleted_at
  ),
  -- Sending moves the author's read marker (forward only).
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
         m.deleted_at,
         CASE WHEN c.member THEN (SELECT u.username FROM users u WHERE u.id = c.author_id) END
  FROM classified c
  LEFT JOIN LATERAL (
    SELECT * FROM inserted i
      WHERE i.author_id = c.author_id AND i.chat_id = c.chat_id AND i.client_id = c.client_id
    UNION ALL
    SELECT ex.id, ex.chat_id, ex.seq, ex.author_id, ex.client_id, ex.body, ex.created_at,
           ex.edited_at, ex.deleted_at
      FROM messages ex WHERE ex.id = c.existing_id
  ) m ON c.member
  ORDER BY c.ord;
END
$$;
