// Turns zod issues into one message per form field, keyed by the issue path
// ("bucket", "credentials.accessKeyId"). The forms validate with the contract's
// own schemas, so what the UI accepts is exactly what main accepts.
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export function fieldErrors(error: z.ZodError, options: { stripPrefix?: string; messages?: Record<string, string> } = {}): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    let key = issue.path.map(String).join('.');
    if (options.stripPrefix && key.startsWith(options.stripPrefix)) key = key.slice(options.stripPrefix.length);
    // The first problem per field is enough to act on.
    if (errors[key] === undefined) errors[key] = options.messages?.[key] ?? issue.message;
  }
  return errors;
}

/** "" → NaN rather than 0: an emptied number field is an error, not a zero. */
export function parseNumber(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}
