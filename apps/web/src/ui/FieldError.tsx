/** The sentence under a field that is not right yet; its id is what the field's aria-describedby names. */
export function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p id={`${id}-error`} className="field-error" data-testid="field-error">
      {error}
    </p>
  );
}
