import { useEffect, useRef, useState } from 'react';

/**
 * A button whose action asks first, in place (as deleting a message does): the question with
 * a confirm and a cancel button. Dumb: the caller passes translated labels.
 */
export function ConfirmButton(props: {
  label: string;
  /** The button's accessible name, when the label alone does not say what it acts on. */
  ariaLabel?: string;
  question: string;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm(): void;
  disabled?: boolean;
  className?: string;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button
        type="button"
        className={props.className ?? 'button button--small'}
        aria-label={props.ariaLabel}
        disabled={props.disabled}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  }
  return (
    <fieldset className="confirm" aria-label={props.question}>
      <span className="confirm__question">{props.question}</span>
      <button
        ref={confirmRef}
        type="button"
        className="button button--small button--danger"
        disabled={props.disabled}
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" className="button button--small" onClick={() => setAsking(false)}>
        {props.cancelLabel}
      </button>
    </fieldset>
  );
}
