-- Full-text search (GET /api/search). One configuration, 'russian', on purpose: its parser sends
-- ASCII words to the English stemmer (with English stop words) and Cyrillic ones to the Russian
-- stemmer (with Russian stop words), so "messages" finds "message" and "сообщения" finds
-- "сообщение". Adding to_tsvector('english', …) on top would only index Cyrillic words
-- unstemmed, Russian stop words included ("и" would then match almost everything).
-- An expression index, not a column: reading a message never drags a tsvector along, and an
-- edit re-indexes the current body; deleted messages are left out of the index.
CREATE INDEX "messages_search_idx" ON "messages" USING gin (to_tsvector('russian'::regconfig, "body")) WHERE "deleted_at" IS NULL;
