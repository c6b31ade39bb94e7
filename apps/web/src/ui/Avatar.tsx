import { avatarColor, initialsOf } from './avatar-color';

/** A generated initials avatar (decorative: the name is always shown or named beside it). */
export function Avatar({ id, name, size = 28 }: { id: string; name: string; size?: number }) {
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
