import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../api/client';
import { humanizeIssue } from './issue-text';

export { humanizeIssue };

/**
 * Server errors next to the fields they are about, in plain words. Every admin form uses this:
 * validation issues (`details.issues`), errors that name a field (`details.field`) and known codes
 * a form maps to one of its fields. What cannot be placed stays a form-level error.
 */

export interface PlacedErrors {
  /** Field path → plain message. */
  fields: Record<string, string>;
  /** The error to show at the form's foot when some of it could not be placed; null otherwise. */
  rest: unknown;
}

/**
 * Splits an API error into field errors and the rest. `codeFields` maps error codes to a field
 * (e.g. `{ location_exists: 'name' }`); `aliases` maps server paths to form fields.
 */
export function placeErrors(error: unknown, options: { codeFields?: Record<string, string>; aliases?: Record<string, string> } = {}): PlacedErrors {
  if (!(error instanceof ApiError)) return { fields: {}, rest: error ?? null };
  const alias = (path: string) => options.aliases?.[path] ?? path;
  const details = error.details as { issues?: { path?: string; message?: string }[]; field?: unknown } | undefined;
  const issues = details?.issues ?? [];
  const fields: Record<string, string> = {};
  let unplaced = false;
  for (const issue of issues) {
    const path = issue.path?.replace(/^(body|values|secrets)\./, '');
    if (path) fields[alias(path)] ??= humanizeIssue(issue.message ?? 'invalid');
    else unplaced = true;
  }
  if (issues.length > 0) return { fields, rest: unplaced ? error : null };
  const field = typeof details?.field === 'string' ? details.field : options.codeFields?.[error.code];
  if (field) return { fields: { [alias(field)]: humanizeIssue(error.message) }, rest: null };
  return { fields: {}, rest: error };
}

export interface FieldErrors {
  /** The message for a field, until the admin changes that field. */
  of(field: string): string | undefined;
  /** Call from the field's onChange: its error goes away once the admin acts on it. */
  clear(field: string): void;
  /** What could not be placed on a field; give it to <FormError>. */
  formError: unknown;
}

/** Field errors of the latest failed request (a mutation's `error`) for a useState-driven form. */
export function useFieldErrors(error: unknown, options: { codeFields?: Record<string, string>; aliases?: Record<string, string> } = {}): FieldErrors {
  const placed = useMemo(() => placeErrors(error, options), [error]);
  const [cleared, setCleared] = useState<{ error: unknown; fields: ReadonlySet<string> }>({ error: null, fields: new Set() });
  const clearedNow = cleared.error === error ? cleared.fields : new Set<string>();
  return {
    of: (field) => (clearedNow.has(field) ? undefined : placed.fields[field]),
    clear: (field) => {
      if (placed.fields[field] && !clearedNow.has(field)) setCleared({ error, fields: new Set([...clearedNow, field]) });
    },
    formError: placed.rest,
  };
}

/** The same for a Mantine useForm: field errors go into the form (which clears each one on change). */
export function useFormServerErrors(
  form: { setErrors(errors: Record<string, string>): void },
  error: unknown,
  options: { codeFields?: Record<string, string>; aliases?: Record<string, string> } = {},
): unknown {
  const placed = useMemo(() => placeErrors(error, options), [error]);
  useEffect(() => {
    if (Object.keys(placed.fields).length > 0) form.setErrors(placed.fields);
  }, [placed]);
  return placed.rest;
}
