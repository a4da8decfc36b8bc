import type { Refusal } from '../../domain/permission-ceiling.js';
import { AppError } from '../../http/errors.js';

/** Turns a permission-ceiling refusal into the 403 the caller sees; nothing has been written yet. */
export function enforce(refusal: Refusal | null): void {
  if (refusal) throw new AppError(403, refusal.code, refusal.message, refusal.details);
}
