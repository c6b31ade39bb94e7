import { LIMITS, type Message, type MessagePage, type UserRef } from '@chatsockets/protocol';
import type { Actor } from '../auth/auth.service.js';
import { assertAllowed, authorize, loadAccess, rules } from '../chats/access.js';
import type { ChatsRepo } from '../chats/chats.repo.js';
import { isId } from '../db/ids.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import type { Publish } from '../realtime/bus/bus.js';
import { toMessage } from './messages.mapper.js';
import type { MessagesRepo, PageCursor } from './messages.repo.js';

/** What sending and deleting need of attachments (attachments/attachments.service.ts). */
export interface MessageAttachments {
  claim(authorId: string, chatId: string, clientId: string, ids: string[]): Promise<void>;
  removeForMessage(authorId: string, chatId: string, clientId: string): Promise<void>;
}

export function createMessagesService(deps: {
  messages: MessagesRepo;
  chats: ChatsRepo;
  publish: Publish;
  attachments?: MessageAttachments;
  log?: { warn(obj: object, msg: string): void };
  now?: () => Date;
}) {
  const { messages, chats, publish, attachments } = deps;
  const now = deps.now ?? (() => new Date());

  /** The message, and the actor's access to its chat; 404 if either is absent or they disagree. */
  async function loadMessage(actor: Actor, messageId: string, chatId?: string) {
    const found = isId(messageId) ? await messages.findById(messageId) : undefined;
    if (!found || (chatId !== undefined && found.message.chatId !== chatId)) throw notFound('Message');
    const access = await loadAccess(chats, found.message.chatId, actor.user.id);
    assertAllowed(rules.read(access), 'Not allowed to read this chat');
    return { ...found, access };
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
      input: { clientId: string; body?: string; attachmentIds?: string[] },
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
      if (attachmentIds.length > 0) {
        if (!attachments) throw badRequest('Attachments are not available');
        // Claimed first, so the insert picks them up (drizzle/0011's trigger); a retry claims again.
        await attachments.claim(actor.user.id, chatId, input.clientId, attachmentIds);
      }
      // send_messages() checks membership itself (no access query per send); when it refuses,
      // access.ts says why, in its own words.
      const sent = await messages.send({ chatId, authorId: actor.user.id, clientId: input.clientId, body });
      if (!sent) {
        await authorize(chats, chatId, actor.user.id, 'post');
        throw forbidden('Not allowed to post in this chat');
      }
      // send_messages() returns no attachments: read the stored row back when there are some.
      const stored = attachmentIds.length > 0 ? await messages.findById(sent.message.id) : undefined;
      const message = toMessage(stored?.message ?? sent.message, sent.author);
      // A repeat is published again: if the first attempt's instance died between COMMIT and
      // publish, this is what delivers it live. Sockets drop seqs they already have.
      publish({ kind: 'chat', chatId, event: { type: 'message.created', message } });
      return { message, created: sent.created };
    },

    async page(actor: Actor, chatId: string, cursor: Partial<PageCursor>): Promise<MessagePage> {
      await authorize(chats, chatId, actor.user.id, 'read');
      const { rows, hasMore } = await messages.page(chatId, {
        ...cursor,
        limit: cursor.limit ?? LIMITS.pageDefault,
      });
      return { messages: rows.map((r) => toMessage(r.message, r.author)), hasMore };
    },

    /**
     * Internal (no access check: `subscribe` checks it). Messages after `afterSeq`, at most 200,
     * `hasMore` for the rest: the catch-up of a client that subscribes by seq (v1).
     */
    async missedAfter(chatId: string, afterSeq: number) {
      const page = await messages.page(chatId, { afterSeq, limit: LIMITS.missedMax });
      return { missed: page.rows.map((r) => toMessage(r.message, r.author)), hasMore: page.hasMore };
    },

    async edit(actor: Actor, messageId: string, body: string, chatId?: string): Promise<Message> {
      const { message, access } = await loadMessage(actor, messageId, chatId);
      assertAllowed(
        rules.editMessage(access, message.authorId, actor.user.id),
        'Only the author may edit a message',
      );
      if (message.deletedAt) throw conflict('The message was deleted');
      const updated = await messages.change(message.chatId, messageId, { body, editedAt: now() });
      // Deleted meanwhile: a delete wins over an edit it races (messages.repo.change).
      if (!updated) throw conflict('The message was deleted');
      const dto = toMessage(updated, actor.user);
      publish({ kind: 'chat', chatId: dto.chatId, event: { type: 'message.updated', message: dto } });
      return dto;
    },

    /** The message keeps its seq; its body becomes "" (PROTOCOL.md › Messages). Deleting twice is a no-op. */
    async delete(actor: Actor, messageId: string, chatId?: string): Promise<void> {
      const { message, author, access } = await loadMessage(actor, messageId, chatId);
      assertAllowed(
        rules.deleteMessage(access, message.authorId, actor.user.id),
        'Only the author or a chat owner/admin may delete a message',
      );
      if (message.deletedAt) return;
      const updated = await messages.change(message.chatId, messageId, {
        body: '',
        attachments: [],
        deletedAt: now(),
      });
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
        chatId: updated.chatId,
        event: { type: 'message.updated', message: toMessage(updated, author) },
      });
    },

    async readers(actor: Actor, chatId: string, messageId: string): Promise<UserRef[]> {
      const { message } = await loadMessage(actor, messageId, chatId);
      return messages.readers(chatId, message.seq, message.authorId);
    },
  };
}
export type MessagesService = ReturnType<typeof createMessagesService>;
