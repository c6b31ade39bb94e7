import type { Attachment } from '@chatsockets/protocol';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { attachmentUrl, thumbnailUrl } from '../../../api/uploads.api';
import { formatSize } from './format-size';
import { Lightbox } from './Lightbox';

/** A message's files: images as thumbnails (click: the lightbox), others as cards. */
export function AttachmentList({ attachments }: { attachments: readonly Attachment[] }) {
  const { t } = useTranslation('files');
  const [open, setOpen] = useState<Attachment | null>(null);
  if (attachments.length === 0) return null;
  return (
    <div className="attachments" data-testid="attachments">
      {attachments.map((a) =>
        a.kind === 'image' && a.thumbnail ? (
          <button
            key={a.id}
            type="button"
            className="attachment-thumb"
            onClick={() => setOpen(a)}
            aria-label={t('openImage', { name: a.name })}
          >
            <img
              src={thumbnailUrl(a.id)}
              alt={a.name}
              width={thumbWidth(a)}
              height={thumbHeight(a)}
              loading="lazy"
              data-testid="attachment-thumbnail"
            />
          </button>
        ) : (
          <div key={a.id} className="file-card" data-testid="file-card">
            <span className="file-card__name" title={a.name}>
              {a.name}
            </span>
            <span className="file-card__size">{formatSize(a.size)}</span>
            <a className="button" href={attachmentUrl(a.id)} download={a.name}>
              {t('download')}
            </a>
          </div>
        ),
      )}
      {open && <Lightbox attachment={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

// The box the thumbnail takes before it loads, so the list does not jump.
const THUMB = 320;
const scale = (a: Attachment) => Math.min(1, THUMB / Math.max(a.width ?? THUMB, a.height ?? THUMB));
const thumbWidth = (a: Attachment) => Math.round((a.width ?? THUMB) * scale(a));
const thumbHeight = (a: Attachment) => Math.round((a.height ?? THUMB) * scale(a));
