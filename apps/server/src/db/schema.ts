import type { Attachment } from '@chatsockets/protocol';
import { getTableColumns, sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Postgres's tsvector; only Postgres reads it (search ranks by it), so it is a string here. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

export const usersTable = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    username: text().notNull(),
    passwordHash: text().notNull(),
    /** Who may add this user to group chats: anyone, or only people who share a chat with them. */
    addableBy: text({ enum: ['anyone', 'contacts'] })
      .notNull()
      .default('anyone'),
    /** Shown instead of the username when set; the username stays for login and mentions. */
    displayName: text(),
    /** When the user's last socket closed; shown to others as "last seen" unless hidden. */
    lastSeenAt: timestamp({ withTimezone: true }),
    showLastSeen: boolean().notNull().default(true),
    /** Bumped by each uploaded avatar (its blob is `avatars/<id>/<version>.webp`); null: none, initials. */
    avatarVersion: integer(),
    createdAt: createdAt(),
  },
  // PROTOCOL.md › Authentication: usernames are unique case-insensitively.
  (t) => [
    uniqueIndex('users_username_lower_key').on(sql`lower(${t.username})`),
    check('users_addable_by_check', sql`${t.addableBy} in ('anyone', 'contacts')`),
  ],
);

export const sessionsTable = pgTable(
  'sessions',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => usersTable.id, { onDelete: 'cascade' }),
    /** SHA-256 of the token, hex. The token itself is never stored. */
    tokenHash: text().notNull().unique('sessions_token_hash_key'),
    createdAt: createdAt(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    /** The User-Agent the session signed in with, for the list of one's sessions. */
    userAgent: text(),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

export const chatsTable = pgTable(
  'chats',
  {
    id: uuid().primaryKey().defaultRandom(),
    title: text().notNull(),
    /** Set by the owner; '' when none. */
    description: text().notNull().default(''),
    kind: text({ enum: ['group', 'direct'] }).notNull(),
    visibility: text({ enum: ['public', 'private'] }).notNull(),
    /** "<lowUserId>:<highUserId>" for direct chats: the unique key makes creation race-free. */
    directKey: text().unique('chats_direct_key_key'),
    /** The seq of the newest message; bumped in the send's transaction (gapless, unlike a SEQUENCE). */
    lastSeq: integer().notNull().default(0),
    /**
     * The chat's change cursor: every committed change its members can see (a message created,
     * edited or deleted; a member joined, left, or changed role) takes the next rev in its own
     * transaction, under this row's lock, so revs are gapless and in commit order.
     */
    lastRev: integer().notNull().default(0),
    /** The rev of the last change of the title or description (0: never changed). */
    infoRev: integer().notNull().default(0),
    lastActivityAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  // No index covers last_seq or last_activity_at: every send updates both, and an indexed
  // column would make each of those updates write index entries instead of a HOT update.
  (t) => [
    check('chats_kind_check', sql`${t.kind} in ('group', 'direct')`),
    check('chats_visibility_check', sql`${t.visibility} in ('public', 'private')`),
  ],
);

export const chatMembersTable = pgTable(
  'chat_members',
  {
    chatId: uuid()
      .notNull()
      .references(() => chatsTable.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => usersTable.id, { onDelete: 'cascade' }),
    role: text({ enum: ['owner', 'admin', 'member'] }).notNull(),
    /** Read watermark: only moves forward. unread = chats.last_seq - read_seq - deleted after it. */
    readSeq: integer().notNull().default(0),
    /** The rev of this membership's last change (joined, or role changed). */
    rev: integer().notNull().default(0),
    /** The rev they joined at: a change read back past it is a join to whoever stood before it. */
    joinedRev: integer().notNull().default(0),
    /** The member muted this chat: it never notifies them. Personal, so it takes no rev. */
    muted: boolean().notNull().default(false),
    joinedAt: createdAt(),
    /**
     * The chat's last seq when they joined, taken under the chat's lock: the messages they were
     * there for are those after it ("Seen by" counts no one for what came before they joined).
     */
    joinedSeq: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.chatId, t.userId], name: 'chat_members_pkey' }),
    index('chat_members_user_id_idx').on(t.userId),
    check('chat_members_role_check', sql`${t.role} in ('owner', 'admin', 'member')`),
  ],
);

export const messagesTable = pgTable(
  'messages',
  {
    id: uuid().primaryKey().defaultRandom(),
    chatId: uuid()
      .notNull()
      .references(() => chatsTable.id, { onDelete: 'cascade' }),
    seq: integer().notNull(),
    authorId: uuid()
      .notNull()
      .references(() => usersTable.id, { onDelete: 'cascade' }),
    clientId: text().notNull(),
    body: text().notNull(),
    createdAt: createdAt(),
    editedAt: timestamp({ withTimezone: true }),
    deletedAt: timestamp({ withTimezone: true }),
    /** The rev of this message's last change (created, edited, deleted, reacted to, pinned). */
    rev: integer().notNull().default(0),
    /** The message of the same chat this one answers (checked on send). */
    replyToId: uuid().references((): AnyPgColumn => messagesTable.id, { onDelete: 'set null' }),
    /** When an owner or admin pinned it; a delete unpins. */
    pinnedAt: timestamp({ withTimezone: true }),
    /** The ids the body's `<@id>` tokens mention ("all" for everyone), derived by Postgres (drizzle/0010). */
    mentions: text().array().notNull().generatedAlwaysAs(sql`message_mentions(body)`),
    /**
     * What the message shows of its attachments (protocol `Attachment[]`), filled at insert by
     * `send_messages()` (drizzle/0016) from the send's claimed uploads.
     */
    attachments: jsonb().$type<Attachment[]>().notNull().default(sql`'[]'::jsonb`),
    /**
     * The body as search sees it (drizzle/0013): stored, so that ranking and rechecks read it
     * instead of parsing every matching body again. Never selected (see `messageColumns`). Its
     * `<` and `>` are spaces (drizzle/0020): the parser would drop the words between them as an
     * HTML tag, and a body is plain text.
     */
    searchVector: tsvector().generatedAlwaysAs(
      sql`to_tsvector('russian'::regconfig, translate(body, '<>', '  '))`,
    ),
  },
  (t) => [
    unique('messages_chat_id_seq_key').on(t.chatId, t.seq),
    unique('messages_author_chat_client_key').on(t.authorId, t.chatId, t.clientId),
    index('messages_chat_id_rev_idx').on(t.chatId, t.rev),
    // Full-text search (drizzle/0011, 0013): the current body of messages that are not deleted.
    index('messages_search_idx').using('gin', t.searchVector).where(sql`${t.deletedAt} is null`),
    // Search's stretches of time within the caller's chats (search.repo.ts).
    index('messages_chat_id_created_at_idx').on(t.chatId, t.createdAt),
    index('messages_chat_id_pinned_at_idx').on(t.chatId, t.pinnedAt).where(sql`${t.pinnedAt} is not null`),
    index('messages_mentions_idx').on(t.chatId, t.seq).where(sql`cardinality(${t.mentions}) > 0`),
    // The chat list's unread count subtracts the deleted messages after the reader's marker
    // (drizzle/0021): only deletions, which are rare, are in it.
    index('messages_deleted_idx').on(t.chatId, t.seq).where(sql`${t.deletedAt} is not null`),
  ],
);

// What the repositories read of a message: not the columns Postgres derives for its own queries
// (the mention index, search), which would only make every page and event row longer.
const {
  mentions: _mentions,
  searchVector: _searchVector,
  ...readableMessageColumns
} = getTableColumns(messagesTable);
export const messageColumns = readableMessageColumns;

/** One user's reaction with one emoji on one message; the message's rev moves with each change. */
export const messageReactionsTable = pgTable(
  'message_reactions',
  {
    messageId: uuid()
      .notNull()
      .references(() => messagesTable.id, { onDelete: 'cascade' }),
    emoji: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => usersTable.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.emoji, t.userId], name: 'message_reactions_pkey' })],
);

/**
 * Who left a chat, at which rev: the change log keeps departures because the member row is gone.
 * Kept when the user rejoins (their new member row has a later rev), so a client catching up
 * applies the departure, then the return, in rev order.
 */
export const chatDeparturesTable = pgTable(
  'chat_departures',
  {
    chatId: uuid()
      .notNull()
      .references(() => chatsTable.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => usersTable.id, { onDelete: 'cascade' }),
    rev: integer().notNull(),
    leftAt: createdAt(),
  },
  // One row per departure, not per user: a second departure of one user (re-added, removed
  // again) overwrote the first's rev, and a catch-up across both then forwarded what came between
  // to a socket of the user as if they had never left (drizzle/0018).
  (t) => [primaryKey({ columns: [t.chatId, t.rev], name: 'chat_departures_pkey' })],
);

/**
 * Who was removed from a chat by someone else: they may not come back on their own (joining a
 * public chat, an invite link) until an owner or admin adds them again, which lifts it (as a
 * Telegram group bans whom it removes). Leaving of one's own accord records nothing.
 */
export const chatBansTable = pgTable(
  'chat_bans',
  {
    chatId: uuid()
      .notNull()
      .references(() => chatsTable.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => usersTable.id, { onDelete: 'cascade' }),
    bannedBy: uuid().references(() => usersTable.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.userId], name: 'chat_bans_pkey' })],
);

/**
 * Invite links to group chats. `token` is the link's secret (32 random bytes, base64url): stored
 * as is, because owners and admins see their links again to share them; it only grants joining.
 * `uses` is bumped under the row lock with the join, so concurrent joins never pass `max_uses`.
 */
export const chatInvitesTable = pgTable(
  'chat_invites',
  {
    id: uuid().primaryKey().defaultRandom(),
    chatId: uuid()
      .notNull()
      .references(() => chatsTable.id, { onDelete: 'cascade' }),
    token: text().notNull().unique('chat_invites_token_key'),
    createdBy: uuid()
      .notNull()
      .references(() => usersTable.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp({ withTimezone: true }),
    maxUses: integer(),
    uses: integer().notNull().default(0),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('chat_invites_chat_id_idx').on(t.chatId),
    check('chat_invites_uses_check', sql`${t.maxUses} is null or ${t.uses} <= ${t.maxUses}`),
  ],
);

/**
 * One upload. Its message is the one with (author_id, chat_id, client_id) =
 * (uploader_id, chat_id, message_client_id), set when a send claims it; unclaimed (or claimed
 * by a send that never committed) uploads are swept after UPLOAD_ORPHAN_TTL_MS.
 */
export const attachmentsTable = pgTable(
  'attachments',
  {
    id: uuid().primaryKey(),
    uploaderId: uuid()
      .notNull()
      .references(() => usersTable.id, { onDelete: 'cascade' }),
    /** The upload's idempotency key, per uploader. */
    clientId: text().notNull(),
    name: text().notNull(),
    size: bigint({ mode: 'number' }).notNull(),
    mime: text().notNull(),
    kind: text({ enum: ['image', 'file'] }).notNull(),
    width: integer(),
    height: integer(),
    blobKey: text().notNull(),
    thumbKey: text(),
    /**
     * Set null when the chat is deleted, not cascaded: the row must outlive it until the sweep
     * has deleted the blobs (a cascade left them in the store, where no sweep could find them).
     */
    chatId: uuid().references(() => chatsTable.id, { onDelete: 'set null' }),
    messageClientId: text(),
    /** Its place among the message's attachments. */
    position: integer(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('attachments_uploader_client_key').on(t.uploaderId, t.clientId),
    index('attachments_claim_idx').on(t.uploaderId, t.chatId, t.messageClientId),
    index('attachments_created_at_idx').on(t.createdAt),
    check('attachments_kind_check', sql`${t.kind} in ('image', 'file')`),
  ],
);

export const schema = {
  attachmentsTable,
  usersTable,
  sessionsTable,
  chatsTable,
  chatMembersTable,
  messagesTable,
  chatDeparturesTable,
  chatInvitesTable,
  messageReactionsTable,
};
