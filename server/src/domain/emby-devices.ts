/**
 * Emby device caps (reference §2.15). Emby licenses a pool of logged-in devices per server, so each
 * member's plan caps theirs: below the cap new logins work ("Allow all devices" on); at the cap only
 * the devices they already use work; over it the oldest are deleted down to the cap first.
 */

export interface DeviceUse {
  id: string;
  /** When the member last used it; unknown counts as oldest. */
  lastActiveAt: string | null;
}

export interface DeviceDecision {
  allowAll: boolean;
  /** The devices that keep working while `allowAll` is off (empty when it is on). */
  allowedIds: string[];
  /** Oldest first. */
  deleteIds: string[];
}

/** `cap` null: the plan has no limit. */
export function decideDevices(cap: number | null, devices: readonly DeviceUse[]): DeviceDecision {
  if (cap === null || devices.length < cap) return { allowAll: true, allowedIds: [], deleteIds: [] };
  const oldestFirst = [...devices].sort(
    (a, b) => (a.lastActiveAt ?? '').localeCompare(b.lastActiveAt ?? '') || a.id.localeCompare(b.id),
  );
  const excess = Math.max(0, devices.length - Math.max(0, cap));
  return {
    allowAll: false,
    allowedIds: oldestFirst.slice(excess).map((d) => d.id),
    deleteIds: oldestFirst.slice(0, excess).map((d) => d.id),
  };
}
