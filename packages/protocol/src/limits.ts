/** PROTOCOL.md › WebSocket: the version a client sees in `hello`. */
export const PROTOCOL_VERSION = 1 as const;

export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  passwordMax: 128,
  /** Message body length, counted after trimming. */
  bodyMin: 1,
  bodyMax: 4000,
  titleMin: 1,
  titleMax: 100,
  /** An uploaded avatar image (PNG, JPEG, WebP or GIF) is at most this many bytes. */
  avatarMaxBytes: 5 * 1024 * 1024,
  /** `User.displayName`, trimmed. */
  displayNameMax: 64,
  /** A chat's description (trimmed; may be empty). */
  descriptionMax: 500,
  /** Invite links: at most this many uses, and an expiry at most this far ahead (a year). */
  inviteMaxUses: 100_000,
  inviteMaxSeconds: 365 * 24 * 3600,
  /** An invite token in a URL is at most this long. */
  inviteTokenMax: 200,
  /** A chat has at most this many links that still let someone in (not revoked, expired or used up). */
  invitesLiveMax: 100,
  /** `GET …/invites` lists every live link and the newest others, at most this many in all. */
  invitesListMax: 200,
  searchMax: 100,
  membersMax: 100,
  pageDefault: 50,
  pageMax: 200,
  /** `subscribe` replies carry at most this many missed messages. */
  missedMax: 200,
  /** WebSocket frames over this many bytes close the socket with 1009. */
  frameMaxBytes: 64 * 1024,
  /** HTTP request bodies over this many bytes get 413. */
  httpBodyMaxBytes: 64 * 1024,
  /** Clients hide a typing indicator after this long without a refresh. */
  typingTtlMs: 5000,
  clientIdMax: 64,
  /** `seq` and `rev` are stored as 32-bit integers: a larger cursor is a 400, never a 500. */
  cursorMax: 2_147_483_647,
  /** A page of `GET …/changes` (and the changes a `subscribe` reply carries) holds at most this many. */
  changesMax: 200,
  /** `GET /api/chats`: a page of the caller's chats, newest activity first. */
  chatPageDefault: 100,
  chatPageMax: 200,
  /** Opaque cursors (`GET /api/chats?cursor=`) are at most this long. */
  cursorTokenMax: 200,
  /** `GET /api/search`: the query text, in characters, and a page of results. */
  searchQueryMax: 500,
  searchPageDefault: 20,
  searchPageMax: 50,
  /** A reaction is one emoji: the longest sequences (tag flags, ZWJ families) fit in 32 UTF-16 units. */
  emojiMax: 32,
  /** Distinct emoji on one message: past it, a new emoji is refused (an existing one can still be added). */
  reactionsDistinctMax: 20,
  /** Reactions of one user on one message. */
  reactionsPerUserMax: 3,
  /** A reply quote carries the original's first line, cut to this many characters. */
  replyPreviewMax: 120,
  /** `Chat.unreadMentionSeqs` lists at most this many (the oldest unread mentions). */
  mentionSeqsMax: 100,
  /** Attachments on one message at most (a server may configure fewer). */
  attachmentsPerMessageMax: 20,
  /** An attachment's file name, in characters. */
  fileNameMax: 255,
} as const;
