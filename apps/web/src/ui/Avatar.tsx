import { avatarColor, initialsOf } from './avatar-color';

/** The uploaded avatar, else generated initials (decorative: the name is always shown or named beside it). */
export function Avatar({
  id,
  name,
  url,
  size = 28,
}: {
  id: string;
  name: string;
  url?: string;
  size?: number;
}) {
  if (url) {
    return (
      <img
        className="avatar"
        src={url}
        alt=""
        width={size}
        height={size}
        data-testid="avatar"
        loading="lazy"
      />
    );
  }
  return (
    <span
      className="avatar"
      aria-hidden="true"
      data-testid="avatar"
      style={{ background: avatarColor(id), width: size, height: size, fontSize: size * 0.42 }}
    >
      {initialsOf(name)}
    </span>
  );
}
