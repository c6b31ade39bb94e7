-- Deleted messages no longer count as unread (found by a hostile tester, 2026-12): the chat
-- list's unread count is lastSeq - readSeq minus the deleted messages after the reader's marker
-- (PROTOCOL.md › Chats: `unreadCount` and `lastMessage`). This partial index holds only deleted
-- messages, which are rare, so that subtraction reads the deletions after the marker and never
-- the unread messages themselves, for every row of the list.
CREATE INDEX "messages_deleted_idx" ON "messages" USING btree ("chat_id","seq") WHERE "messages"."deleted_at" is not null;
