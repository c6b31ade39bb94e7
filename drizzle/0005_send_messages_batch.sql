-- Group commit (ARCHITECTURE.md › Group commit): send_messages() stores a batch of sends in ONE
-- statement, so concurrent sends share one round trip and one COMMIT, which is what a durable
-- send costs Postgres most of. Each item follows the rules of send_message() (0004): members
-- post; the seq is bumped under the chat's row lock in the same transaction as the insert (no
-- gap on rollback); a clientId used before returns the first message and burns no seq; the
-- author's read marker moves. Outcomes are rows, not exceptions, so a refused item or a repeat
-- does not abort the rest. send_message() stays for instances of an older release during a
-- rolling upgrade; drop it once none can be running.
CREATE FUNCTION send_messages(p_items jsonb)
RETURNS TABLE (ord integer, status text, id uuid, chat_id uuid, seq integer, author_id uuid,
               client_id text, body text, created_at timestamptz, edited_at timestamptz,
               deleted_at timestamptz, username text)
LANGUAGE plpgsql AS $$
DECLARE
  it record;
  v_seq integer;
BEGIN
  -- Chats are locked in one global order (by id), so two concurrent batches never deadlock;
  -- sends to the same chat keep their order within the batch.
  FOR it IN
    SELECT e.ord::integer AS ord, (e.v->>'chatId')::uuid AS chat, (e.v->>'authorId')::uuid AS author,
           e.v->>'clientId' AS client, e.v->>'body' AS text
    FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e(v, ord)
    ORDER BY 2, 1
  LOOP
    ord := it.ord;
    status := NULL; id := NULL; chat_id := NULL; seq := NULL; author_id := NULL; client_id := NULL;
    body := NULL; created_at := NULL; edited_at := NULL; deleted_at := NULL; username := NULL;
    -- The fast path of chats/access.ts rules.post; on 'refused' the service asks access.ts why.
    PERFORM 1 FROM chat_members
      WHERE chat_members.chat_id = it.chat AND chat_members.user_id = it.author;
    IF NOT FOUND THEN
      status := 'refused';
      RETURN NEXT;
      CONTINUE;
    END IF;
    SELECT m.id, m.chat_id, m.seq, m.author_id, m.client_id, m.body, m.created_at, m.edited_at,
           m.deleted_at, u.username
      INTO id, chat_id, seq, author_id, client_id, body, created_at, edited_at, deleted_at, username
      FROM messages m JOIN users u ON u.id = m.author_id
      WHERE m.author_id = it.author AND m.chat_id = it.chat AND m.client_id = it.client;
    IF FOUND THEN
      status := 'duplicate';
      RETURN NEXT;
      CONTINUE;
    END IF;
    UPDATE chats SET last_seq = chats.last_seq + 1, last_activity_at = now()
      WHERE chats.id = it.chat RETURNING chats.last_seq INTO v_seq;
    IF NOT FOUND THEN
      status := 'refused';
      RETURN NEXT;
      CONTINUE;
    END IF;
    INSERT INTO messages (chat_id, seq, author_id, client_id, body)
      VALUES (it.chat, v_seq, it.author, it.client, it.text)
      ON CONFLICT ON CONSTRAINT messages_author_chat_client_key DO NOTHING
      RETURNING messages.id, messages.chat_id, messages.seq, messages.author_id,
                messages.client_id, messages.body, messages.created_at
      INTO id, chat_id, seq, author_id, client_id, body, created_at;
    IF NOT FOUND THEN
      -- The same clientId was committed by another transaction after the check above. Abort
      -- (rolling back every bump of this batch); the caller retries, and the check then sees it.
      RAISE EXCEPTION 'duplicate clientId' USING ERRCODE = 'CSDUP';
    END IF;
    SELECT users.username INTO username FROM users WHERE users.id = it.author;
    UPDATE chat_members SET read_seq = v_seq
      WHERE chat_members.chat_id = it.chat AND chat_members.user_id = it.author
        AND chat_members.read_seq < v_seq;
    status := 'created';
    RETURN NEXT;
  END LOOP;
END
$$;
