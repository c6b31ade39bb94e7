import { randomInt } from 'node:crypto';
import { Readable } from 'node:stream';
import type { User } from '@chatsockets/protocol';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import type { Actor } from '../auth/auth.service.js';
import { toUser } from '../auth/users.mapper.js';
import type { UsersRepo } from '../auth/users.repo.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { ChatsRepo } from '../chats/chats.repo.js';
import { isId } from '../db/ids.js';
import { badRequest, notFound, unauthorized } from '../errors.js';
import type { ChatAudience, Publish } from '../realtime/bus/bus.js';

const SIZE = 256;
// An animated PNG sniffs as image/apng; like a GIF, its first frame is the avatar.
const DECODED = new Set(['image/png', 'image/apng', 'image/jpeg', 'image/webp', 'image/gif']);
const keyOf = (userId: string, version: number) => `avatars/${userId}/${version}.webp`;

/**
 * Uploaded avatars: decoded and re-encoded by sharp (so what is served is always a plain
 * 256×256 WebP, never the uploaded bytes), stored through the BlobStore. Who may see one:
 * the user and people who share a chat with them (docs/PROTOCOL.md › Avatars).
 */
export function createAvatarsService(deps: {
  users: UsersRepo;
  chats: ChatsRepo;
  blobs: BlobStore;
  publish: Publish;
}) {
  const { users, chats, blobs, publish } = deps;

  /*
   * Who hears of a change is read before its write, and nothing is awaited between the write and
   * its publish: two changes close together (a new name, a new avatar) are then published in the
   * order they were written, so the last one announced is the one stored.
   */
  const announce = (user: User, audience: ChatAudience) =>
    publish({ kind: 'user.updated', user, ...audience });

  return {
    async upload(actor: Actor, image: Buffer): Promise<User> {
      const notAnImage = () => badRequest('The file is not an image we can read (PNG, JPEG, WebP or GIF)');
      // sharp decodes whatever its bytes are (SVG through librsvg, TIFF, HEIF...), whatever the
      // Content-Type said: only the four formats are handed to it, by their bytes.
      if (!DECODED.has((await fileTypeFromBuffer(image))?.mime ?? '')) throw notAnImage();
      let webp: Buffer;
      try {
        webp = await sharp(image, { limitInputPixels: 40_000_000, failOn: 'error', animated: false })
          .rotate()
          .resize(SIZE, SIZE, { fit: 'cover' })
          .webp({ quality: 82 })
          .toBuffer();
      } catch {
        throw notAnImage();
      }
      // A URL with a version is cached for good, so no two images may ever share one: a version
      // read and incremented gave two uploads at once the same number, and one's image under
      // the other's URL. A random one cannot collide (one in two billion, and checked).
      const before = await users.findById(actor.user.id);
      if (!before) throw unauthorized();
      let version = randomInt(1, 2 ** 31 - 1);
      while (version === before.avatarVersion) version = randomInt(1, 2 ** 31 - 1);
      await blobs.put(keyOf(actor.user.id, version), Readable.from(webp), { contentType: 'image/webp' });
      // Read after the upload to the store, which may be slow: a chat joined meanwhile still hears.
      const audience = await chats.audienceOf(actor.user.id);
      const swapped = await users.swapAvatarVersion(actor.user.id, version);
      if (!swapped) throw unauthorized();
      const user = toUser(swapped.row);
      announce(user, audience);
      if (swapped.replaced) await blobs.delete(keyOf(actor.user.id, swapped.replaced)).catch(() => {});
      return user;
    },

    async remove(actor: Actor): Promise<User> {
      const before = await users.findById(actor.user.id);
      if (!before) throw unauthorized();
      // The image first: a store that cannot be reached fails the removal (503, nothing changed,
      // the user retries). Deleted after the row, and failing quietly, it stayed in the store
      // for good, where nothing would ever find it again.
      if (before.avatarVersion) await blobs.delete(keyOf(actor.user.id, before.avatarVersion));
      const audience = await chats.audienceOf(actor.user.id);
      const row = before.avatarVersion
        ? await users.clearAvatarVersion(actor.user.id, before.avatarVersion)
        : before;
      if (!row) throw unauthorized();
      const user = toUser(row);
      announce(user, audience);
      return user;
    },

    /** The avatar's bytes for `viewer`; 404 alike for no avatar and no access (nothing is revealed). */
    async read(viewer: Actor, userId: string) {
      if (!isId(userId)) throw notFound('Avatar');
      // Whoever may see them in a chat: a chat they share, or a public chat anyone may read.
      const seen =
        userId === viewer.user.id ||
        (await chats.sharingAChatWith(viewer.user.id, [userId])).has(userId) ||
        (await chats.inAPublicChat(userId));
      if (!seen) throw notFound('Avatar');
      const row = await users.findById(userId);
      if (!row?.avatarVersion) throw notFound('Avatar');
      const blob = await blobs.get(keyOf(userId, row.avatarVersion));
      if (!blob) throw notFound('Avatar');
      return { ...blob, version: row.avatarVersion };
    },
  };
}
export type AvatarsService = ReturnType<typeof createAvatarsService>;
