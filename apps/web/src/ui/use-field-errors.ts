import { LIMITS } from '@chatsockets/protocol';
import type { TFunction } from 'i18next';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/**
 * One issue of a protocol schema as a sentence of the user's language, chosen by the field and
 * the issue's code and limits (the schema's own English messages are never shown). `field` is
 * the first path segment: username, password, title, members, body.
 */
export function localizeIssue(t: TFunction<'errors'>, issue: Issue, input: Record<string, unknown>): string {
  const [field, index] = issue.path;
  const value = input[String(field)];
  switch (field) {
    case 'username':
    case 'password': {
      const Field = field === 'username' ? 'username' : 'password';
      if (issue.code === 'too_small')
        return value === ''
          ? t('field.required')
          : t(`field.${Field}TooShort`, { count: Number(issue.minimum) });
      if (issue.code === 'too_big') return t(`field.${Field}TooLong`, { count: Number(issue.maximum) });
      if (issue.code === 'invalid_format') return t('field.usernameChars');
      break;
    }
    case 'title':
      if (issue.code === 'too_small') return t('field.required');
      if (issue.code === 'too_big') return t('field.titleTooLong', { count: Number(issue.maximum) });
      break;
    case 'members':
      if (issue.code === 'too_big' && index === undefined)
        return t('field.tooManyMembers', { count: Number(issue.maximum) });
      if (Array.isArray(value) && typeof index === 'number')
        return t('field.memberInvalid', { name: String(value[index]) });
      break;
    case 'body':
      // The body's limits are refinements (measured after trimming), so their code is `custom`.
      if (typeof value === 'string' && value.trim().length > LIMITS.bodyMax)
        return t('field.bodyTooLong', { count: LIMITS.bodyMax });
      if (typeof value === 'string' && value.trim().length === 0) return t('field.required');
      break;
  }
  return t('field.invalid');
}

/**
 * Validation before sending, with the protocol's own schema: the first problem of each field,
 * worded for people, shown at the field; the first invalid field takes the focus.
 */
export function useFieldErrors<F extends string>() {
  const { t } = useTranslation('errors');
  const [errors, setErrors] = useState<Partial<Record<F, string>>>({});
  const ids = useRef(new Map<F, string>());

  const check = useCallback(
    <S extends z.ZodType>(
      schema: S,
      input: Record<F, unknown> & Record<string, unknown>,
    ): z.output<S> | null => {
      const parsed = schema.safeParse(input);
      if (parsed.success) {
        setErrors({});
        return parsed.data;
      }
      const found: Partial<Record<F, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '') as F;
        found[field] ??= localizeIssue(t, issue, input);
      }
      setErrors(found);
      const first = (Object.keys(found) as F[]).map((f) => ids.current.get(f)).find(Boolean);
      if (first) document.getElementById(first)?.focus();
      return null;
    },
    [t],
  );

  const clear = useCallback((field: F) => {
    setErrors((e) => {
      if (!(field in e)) return e;
      const { [field]: _gone, ...rest } = e;
      return rest as Partial<Record<F, string>>;
    });
  }, []);

  /** Props for the field's input: its id, invalid state, and the error (then any hint) as its description. */
  const field = (name: F, id: string, hintId?: string) => {
    ids.current.set(name, id);
    const describedBy = [errors[name] ? `${id}-error` : undefined, hintId].filter(Boolean).join(' ');
    return {
      id,
      'aria-invalid': errors[name] ? true : undefined,
      'aria-describedby': describedBy || undefined,
    } as const;
  };

  return { errors, check, clear, field };
}
