-- Every send rewrites its chat's row (last_seq, last_activity_at). Free space on each page lets
-- those updates stay on the page (HOT), with no new index entries and less vacuum work.
ALTER TABLE chats SET (fillfactor = 50);
