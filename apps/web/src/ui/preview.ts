import type { Message } from '@chatsockets/protocol';
import { plainText } from './markdown';

type Count = (key: 'files:files', opts: { count: number }) => string;

/**
 * A message as one line for the chat list's preview and notifications: its text (plainText), or
 * for a message of files only, how many ("2 files", "2 файла"), which would otherwise be blank.
 */
export function previewText(
  message: Pick<Message, 'body' | 'attachments'>,
  count: Count,
  nameOf?: (id: string) => string | undefined,
  unknown?: string,
): string {
  const text = plainText(message.body, nameOf, unknown);
  const files = message.attachments?.length ?? 0;
  return text || files === 0 ? text : count('files:files', { count: files });
}
