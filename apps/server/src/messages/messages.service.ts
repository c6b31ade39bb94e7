import {
  LIMITS,
  MENTION_ALL,
  type Message,
  type MessagePage,
  mentionsOf,
  quoteOf,
  type ReplyRef,
  type UserRef,
} from '@chatsockets/protocol';
import type { Actor } from '../auth/auth.service.js';
import { assertAllowed, authorize, type ChatAccess, loadAccess, rules, underLock } from '../chats/access.js';
import type { ChatsRepo } from '../chats/chats.repo.js';
import type { Tx } from '../db/chat-rev.js';
import { isId } from '../db/ids.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import type { Publish } from '../realtime/bus/bus.js';
import { toMessage } from './messages.mapper.js';
import type { MessagesRepo, PageCursor, SendOutcome } from './messages.repo.js';

/** The message, and the actor's access to its chat; 404 if either is absent or they disagree. */
export async function loadMessageFor(
  deps: { messages: MessagesRepo; chats: ChatsRepo },
  actor: Actor,
  messageId: string,
  chatId?: string,
) {
  const found = isId(messageId) ? await deps.messages.findById(messageId) : undefined;
  if (!found || (chatId !== undefined && found.message.chatId !== chatId)) throw notFound('Message');
  const access = await loadAccess(deps.chats, found.message.chatId, actor.user.id);
  assertAllowed(rules.read(access), 'Not allowed to read this chat');
  return { ...found, access };
}

/** What sending and deleting need of attachments (attachments/attachments.service.ts). */
export interface MessageAttachments {
  claim(tx: Tx, authorId: string, chatId: string, clientId: string, ids: string[]): Promise<void>;
  removeForMessage(authorId: string, chatId: string, clientId: string): Promise<void>;
}

export function createMessagesService(deps: {
  messages: MessagesRepo;
  chats: ChatsRepo;
  publish: Publish;
  attachments?: MessageAttachments;
  log?: { warn(obj: object, msg: string): void };
  now?: () => Date;
  /** The author's message ends their `typing` window (chats.service.ts › typingEnded). */
  typingEnded?: (chatId: string, userId: string) => void;
}) {
  const { messages, chats, publish, attachments } = deps;
  const now = deps.now ?? (() => new Date());

  const loadMessage = (actor: Actor, messageId: string, chatId?: string) =>
    loadMessageFor({ messages, chats }, actor, messageId, chatId);
  // Read whole, in one snapshot (hydrate.ts › inSnapshot); gone only with its chat.
  const whole = async (messageId: string) => {
    const found = await messages.findWhole(messageId);
    if (!found) throw notFound('Message');
    return toMessage(found);
  };

  const replyToDeleted = () => conflict('The message you reply to was deleted');

  /** The quote of a message as it is now (deleted since, it says so; a message is never removed). */
  async function quoteNow(messageId: string): Promise<ReplyRef | null> {
    const original = await messages.findById(messageId);
    return original ? quoteOf({ ...original.message, author: original.author }) : null;
  }

  /** A reply names a live message of the same chat: anything else is refused before any write. */
  async function checkReplyTarget(actor: Actor, chatId: string, replyToId: string) {
    const original = isId(replyToId) ? await messages.findById(replyToId) : undefined;
    if (!original || original.message.chatId !== chatId) {
      // Whether the chat itself is there and open to the actor comes first (404/403).
      await authorize(chats, chatId, actor.user.id, 'post');
      throw notFound('Message to reply to');
    }
    if (original.message.deletedAt) throw replyToDeleted();
  }

  async function setPinned(actor: Actor, messageId: string, pinned: boolean, chatId?: string) {
    const { message, author, access } = await loadMessage(actor, messageId, chatId);
    const denied = 'Only the owner or an admin may pin or unpin messages';
    assertAllowed(rules.pin(access), denied);
    // A deleted message is unpinned (a delete unpins): pinning it is refused, unpinning it is
    // "unpinning an unpinned one" and answers its tombstone, as a reaction's removal from a
    // deleted message changes nothing. A pinned bar that still showed it must not get an error.
    if (message.deletedAt) {
      if (pinned) throw conflict('The message was deleted');
      return whole(message.id);
    }
    // Decided again under the chat's row lock, as every change of a chat by a member (chat-rev.ts).
    const recheck = underLock(actor, access, rules.pin, denied);
    const updated = await messages.setPinned(
      message.chatId,
      messageId,
      author,
      pinned ? now() : null,
      recheck,
    );
    if (!updated) {
      // Nothing changed: already so (idempotent), or deleted meanwhile (a delete unpins: only a
      // pin is refused for that).
      const current = await messages.findWhole(messageId);
      // Gone with its chat (deleted meanwhile): as for any chat that is not there.
      if (!current) throw notFound('Message');
      if (pinned && current.message.deletedAt) throw conflict('The message was deleted');
      return toMessage(current);
    }
    const dto = toMessage(updated);
    publish({ kind: 'chat', chatId: dto.chatId, event: { type: 'message.updated', message: dto } });
    return dto;
  }

  /**
   * The mentions a body adds (those of `before`, the body it replaces, may stay: a member who
   * left since, or a manager who was demoted, does not make a message uneditable) must name
   * members, and `<@all>` needs `mention-all` (docs/PROTOCOL.md › Mentions). Nothing is written
   * when they do not.
   */
  async function checkMentions(access: ChatAccess, body: string, before = '') {
    const kept = new Set(mentionsOf(before));
    const added = mentionsOf(body).filter((id) => !kept.has(id));
    if (added.length === 0) return;
    if (added.includes(MENTION_ALL))
      assertAllowed(rules.mentionAll(access), 'Only owners and admins may mention everyone (@all)');
    const users = added.filter((id) => id !== MENTION_ALL);
    const members = await chats.membersAmong(access.chat.id, users.filter(isId));
    const strangers = users.filter((id) => !members.has(id));
    if (strangers.length > 0)
      throw badRequest(
        'A mention names someone who is not a member of this chat',
        // A body can hold a thousand tokens; ten say enough.
        strangers
          .slice(0, 10)
          .map((id) => ({ path: 'body', message: `<@${id}> is not a member of this chat` })),
      );
  }

  return {
    /**
     * The ONE send path for HTTP and WebSocket. Resolves only after COMMIT (PROTOCOL.md ›
     * Delivery: ack only when durable); then publishes. A repeat clientId returns the first
     * message unchanged, whatever its body, with `created: false`.
     */
    async send(
      actor: Actor,
      chatId: string,
      input: { clientId: string; body?: string; replyToId?: string; attachmentIds?: string[] },
    ) {
      if (!isId(chatId)) throw notFound('Chat');
      const body = input.body ?? '';
      const attachmentIds = input.attachmentIds ?? [];
      // A message may be only attachments; without any it needs text (PROTOCOL.md › Attachments).
      if (attachmentIds.length === 0 && body.trim().length < LIMITS.bodyMin) {
        throw badRequest('Message needs text or attachments', [
          { path: 'body', message: 'must not be empty' },
        ]);
      }
      /**
       * A check that refuses the send may be refusing a retry of one stored before the check
       * stopped holding (its ack was lost): that is answered with the stored message, as any
       * repeat is (PROTOCOL.md › Idempotent repeat), never to a caller who may no longer post.
       */
      const repeatOr = async (err: unknown) => {
        await authorize(chats, chatId, actor.user.id, 'post');
        const first = await messages.findByClientId(chatId, actor.user.id, input.clientId);
        if (!first) throw err;
        return { message: await whole(first.message.id), created: false };
      };
      if (input.replyToId !== undefined) {
        try {
          await checkReplyTarget(actor, chatId, input.replyToId);
        } catch (err) {
          // The original deleted since (409), or another replyToId on the retry (404).
          return repeatOr(err);
        }
      }
      // A body with mentions is checked first (a plain one costs no extra query). A repeat of a
      // send that was stored is answered with it, even if its mentions no longer hold.
      if (mentionsOf(body).length > 0) {
        const access = await authorize(chats, chatId, actor.user.id, 'post');
        try {
          await checkMentions(access, body);
        } catch (err) {
          return repeatOr(err);
        }
      }
      const item = {
        chatId,
        authorId: actor.user.id,
        clientId: input.clientId,
        body,
        ...(input.replyToId !== undefined ? { replyToId: input.replyToId } : {}),
      };
      // send_messages() checks membership itself (no access query per send); when it refuses,
      // access.ts says why, in its own words.
      let sent: SendOutcome;
      if (attachmentIds.length > 0) {
        const files = attachments;
        if (!files) throw badRequest('Attachments are not available');
        // Claimed in the insert's transaction (a retry claims again); 400 if one is taken.
        sent = await messages.sendWithFiles(item, (tx) =>
          files.claim(tx, actor.user.id, chatId, input.clientId, attachmentIds),
        );
      } else {
        sent = await messages.send(item);
      }
      if (!sent) {
        await authorize(chats, chatId, actor.user.id, 'post');
        throw forbidden('Not allowed to post in this chat');
      }
      // Deleted between the check above and the send's lock on the chat: nothing was written.
      if (sent === 'reply-deleted') throw replyToDeleted();
      // A new message is whole as it is, its files included (no reactions, no pin): no extra query
      // before the publish, but for a reply's quote, read once it is stored: the original may
      // have been edited after the check, before the reply committed.
      const message = sent.created
        ? toMessage({
            ...sent,
            replyTo: sent.message.replyToId ? await quoteNow(sent.message.replyToId) : null,
            reactions: [],
          })
        : await whole(sent.message.id);
      // A repeat is published again: if the first attempt's instance died between COMMIT and
      // publish, this is what delivers it live. Sockets drop seqs they already have.
      publish({ kind: 'chat', chatId, event: { type: 'message.created', message } });
      deps.typingEnded?.(message.chatId, actor.user.id);
      return { message, created: sent.created };
    },

    async page(
      actor: Actor,
      chatId: string,
      cursor: Partial<PageCursor> & { aroundSeq?: number },
    ): Promise<MessagePage> {
      await authorize(chats, chatId, actor.user.id, 'read');
      const limit = cursor.limit ?? LIMITS.pageDefault;
      if (cursor.aroundSeq !== undefined) {
        const page = await messages.around(chatId, cursor.aroundSeq, limit);
        return { ...page, messages: page.messages.map(toMessage) };
      }
      const page = await messages.page(chatId, { ...cursor, limit });
      return { ...page, messages: page.messages.map(toMessage) };
    },

    /** The chat's pinned messages, the latest pin first. */
    async pins(actor: Actor, chatId: string): Promise<Message[]> {
      await authorize(chats, chatId, actor.user.id, 'read');
      return (await messages.pinned(chatId, LIMITS.pageMax)).map(toMessage);
    },

    /** Owners and admins (both members of a direct chat); a repeat changes nothing and burns no rev. */
    pin: (actor: Actor, messageId: string, chatId?: string) => setPinned(actor, messageId, true, chatId),
    unpin: (actor: Actor, messageId: string, chatId?: string) => setPinned(actor, messageId, false, chatId),

    /**
     * Internal (no access check: `subscribe` checks it). Messages after `afterSeq`, at most 200,
     * `hasMore` for the rest: the catch-up of a client that subscribes by seq (v1).
     */
    /**
     * A subscribe's `missed`: the messages after `afterSeq` created up to `lastSeq` (where the
     * chat stood at the subscribe's check), each as it is now. One created after that comes live.
     * One changed after it comes here at its newer rev: left for the live path, a reaction's
     * delta would reach a client that never had the message (the caller checks access again
     * when a message is newer than its check: commands.ts).
     */
    async missedAfter(chatId: string, afterSeq: number, lastSeq: number, maxBytes?: number) {
      const page = await messages.page(chatId, {
        afterSeq,
        atMostSeq: lastSeq,
        limit: LIMITS.missedMax,
        ...(maxBytes !== undefined ? { maxBytes } : {}),
      });
      return { missed: page.messages.map(toMessage), hasMore: page.hasMore };
    },

    async edit(actor: Actor, messageId: string, body: string, chatId?: string): Promise<Message> {
      const { message, access } = await loadMessage(actor, messageId, chatId);
      const may = (a: ChatAccess) => rules.editMessage(a, message.authorId, actor.user.id);
      const denied = 'Only the author may edit a message';
      assertAllowed(may(access), denied);
      if (message.deletedAt) throw conflict('The message was deleted');
      await checkMentions(access, body, message.body);
      // A member removed meanwhile edits nothing (decided again under the chat's row lock).
      const updated = await messages.change(
        message.chatId,
        messageId,
        actor.user,
        { body, editedAt: now() },
        underLock(actor, access, may, denied),
      );
      if (!updated) {
        // Deleted meanwhile (a delete wins over an edit it races), or the body is already this
        // one: a repeat that changes nothing answers the message as it is (messages.repo.change).
        const current = await messages.findWhole(messageId);
        if (!current) throw notFound('Message'); // gone with its chat
        if (current.message.deletedAt) throw conflict('The message was deleted');
        return toMessage(current);
      }
      const dto = toMessage(updated);
      publish({ kind: 'chat', chatId: dto.chatId, event: { type: 'message.updated', message: dto } });
      return dto;
    },

    /** The message keeps its seq; its body becomes "" (PROTOCOL.md › Messages). Deleting twice is a no-op. */
    async delete(actor: Actor, messageId: string, chatId?: string): Promise<void> {
      const { message, author, access } = await loadMessage(actor, messageId, chatId);
      const may = (a: ChatAccess) => rules.deleteMessage(a, message.authorId, actor.user.id);
      const denied = 'Only the author or a chat owner/admin may delete a message';
      assertAllowed(may(access), denied);
      if (message.deletedAt) return;
      // Someone removed (or demoted) meanwhile deletes nothing (decided again under the row lock).
      const updated = await messages.change(
        message.chatId,
        messageId,
        author,
        { body: '', attachments: [], deletedAt: now() },
        underLock(actor, access, may, denied),
      );
      if (!updated) return; // deleted meanwhile by someone else
      // After the delete committed: its files go (a failure here is left to the periodic sweep).
      if (attachments && message.attachments.length > 0) {
        await attachments
          .removeForMessage(message.authorId, message.chatId, message.clientId)
          .catch((err: unknown) =>
            deps.log?.warn({ err: { message: (err as Error).message } }, 'attachment cleanup failed'),
          );
      }
      publish({
        kind: 'chat',
        chatId: updated.message.chatId,
        event: { type: 'message.updated', message: toMessage(updated) },
      });
    },

    async readers(actor: Actor, chatId: string, messageId: string): Promise<UserRef[]> {
      const { message, access } = await loadMessage(actor, messageId, chatId);
      // Who read what is for members: a public chat's reader would learn from it when someone
      // is online (PROTOCOL.md › Presence).
      assertAllowed(access.member !== undefined, 'Only members see who read a message');
      return messages.readers(chatId, message);
    },
  };
}
export type MessagesService = ReturnType<typeof createMessagesService>;
