/**
 * The "maximum users" rule as the server keeps it (server/src/domain/server-capacity.ts); a test
 * holds these to the bounds the server publishes in its OpenAPI document.
 */
export const MAX_USERS_LIMIT = 100_000;

/** Null when the typed value is a valid maximum; otherwise what to tell the admin. */
export function maxUsersProblem(value: number | string): string | null {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (text === '') return 'Enter 0 for unlimited, or a positive number of users.';
  const n = Number(text);
  if (!Number.isFinite(n) || !Number.isInteger(n)) return 'Enter a whole number of users.';
  if (n < 0) return 'Enter 0 for unlimited, or a positive number of users.';
  if (n > MAX_USERS_LIMIT) return `Enter at most ${MAX_USERS_LIMIT.toLocaleString('en-US')} users.`;
  return null;
}

/** A capacity below the members already placed: allowed, but the admin should know what it does. */
export function capacityWarning(maxUsers: number | string, members: number): string | null {
  const n = Number(maxUsers);
  if (maxUsersProblem(maxUsers) || n === 0 || n >= members) return null;
  return `${members} members are already on this server, more than ${n}. Nobody is removed; no one new is placed here until fewer than ${n} remain.`;
}
