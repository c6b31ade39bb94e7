import { useMemo } from 'react';
import { linkify } from './linkify';

/** Plain text with safe http(s) links; React escapes every text part (never innerHTML). */
export function MessageBody({ body }: { body: string }) {
  const parts = useMemo(() => linkify(body), [body]);
  return (
    <span className="message__body">
      {parts.map((part, i) =>
        part.kind === 'link' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: parts are positional and never reorder
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </span>
  );
}
