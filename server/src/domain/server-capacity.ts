/**
 * The "maximum users" rule, in one place for the API schema and the services. The web app keeps a
 * copy (web/src/lib/limits.ts) that a test holds to the published OpenAPI bounds.
 */
export const MAX_USERS_LIMIT = 100_000;

export const MAX_USERS_MESSAGES = {
  integer: 'Enter a whole number of users.',
  min: 'Enter 0 for unlimited, or a positive number of users.',
  max: `Enter at most ${MAX_USERS_LIMIT.toLocaleString('en-US')} users.`,
} as const;

export interface CapacityWarning {
  field: 'maxUsers';
  code: 'capacity_below_members';
  message: string;
}

/**
 * A capacity below the members already placed is allowed (it stops new placements and nobody is
 * removed), but the admin should know that is what it does.
 */
export function capacityWarning(maxUsers: number, members: number): CapacityWarning | null {
  if (maxUsers === 0 || maxUsers >= members) return null;
  return {
    field: 'maxUsers',
    code: 'capacity_below_members',
    message: `${members} members are already on this server, more than the new maximum of ${maxUsers}. Nobody is removed; no one new is placed here until fewer than ${maxUsers} remain.`,
  };
}
