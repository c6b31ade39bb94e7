-- An instance of the version before 0023/0024, still running during a rolling deploy, adds
-- members without joined_seq and joined_rev (found by a hostile tester, 2026-12): they stayed 0,
-- so "Seen by" counted the member for everything before they joined, and a gap fill took their
-- join for a role change, for good. Filled here as the current version writes them: the chat's
-- last seq (the row is locked by the rev the insert took) and the membership's rev. The
-- application sets both itself; this can go once no older instance can run.
CREATE OR REPLACE FUNCTION chat_members_joined_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.joined_rev = 0 THEN
    NEW.joined_rev := NEW.rev;
  END IF;
  IF NEW.joined_seq = 0 THEN
    NEW.joined_seq := coalesce((SELECT last_seq FROM chats WHERE id = NEW.chat_id), 0);
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER chat_members_joined_defaults BEFORE INSERT ON chat_members
  FOR EACH ROW EXECUTE FUNCTION chat_members_joined_defaults();
