/**
 * Calendar arithmetic in the site's time zone with nothing but Intl, so plan periods end at the
 * same wall-clock time the member paid, whatever daylight saving did in between. Instants are
 * Date (UTC inside); "wall" means the local date and time in the given IANA zone.
 */

export const DAY_MS = 86_400_000;

/** A plan's period: N days, or N calendar months, both counted in the site time zone. */
export type PlanDuration = { unit: 'days' | 'months'; count: number };

interface Wall {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // h23: some engines print midnight as 24 with hour12: false.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallOf(instant: number, timeZone: string): Wall {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  const yearOfEra = Number(parts.year);
  return {
    year: parts.era === 'BC' || parts.era === 'B' ? 1 - yearOfEra : yearOfEra,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    ms: ((instant % 1000) + 1000) % 1000,
  };
}

function wallAsUtc(w: Wall): number {
  const d = new Date(0);
  // setUTCFullYear keeps years 0-99 as they are (Date.UTC would map them to 1900-1999).
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, w.ms);
  return d.getTime();
}

/** The zone's offset from UTC at an instant, in ms (Paris in winter: +3,600,000). */
function offsetAt(instant: number, timeZone: string): number {
  return wallAsUtc(wallOf(instant, timeZone)) - instant;
}

/**
 * The instant a wall time names. Like Temporal's "compatible" disambiguation: a time that occurs
 * twice (clocks going back) is the earlier one; a time that does not exist (clocks going forward)
 * is moved forward by the gap, so 02:30 on a spring-forward night becomes 03:30.
 */
function instantOf(w: Wall, timeZone: string): number {
  const guess = wallAsUtc(w);
  const before = offsetAt(guess - DAY_MS, timeZone);
  const after = offsetAt(guess + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => guess - offset)
    .filter((t) => wallAsUtc(wallOf(t, timeZone)) === guess)
    .sort((a, b) => a - b);
  return candidates[0] ?? guess - before;
}

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/**
 * Adds calendar months; a day that the target month lacks is clamped to its last day, so Jan 31
 * plus one month is Feb 28 (or 29), not Mar 3. Clamping is per call: a caller that chains months
 * from a clamped date drifts (Feb 28 + 1 = Mar 28), which is why renewals start at the previous
 * period's end rather than recomputing from a day-of-month anchor.
 */
export function addCalendarMonths(instant: Date, months: number, timeZone: string): Date {
  const w = wallOf(instant.getTime(), timeZone);
  const index = w.year * 12 + (w.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return new Date(instantOf({ ...w, year, month, day: Math.min(w.day, daysInMonth(year, month)) }, timeZone));
}

/** Adds calendar days: the same wall-clock time N days later, so a DST day is 23 or 25 hours. */
export function addCalendarDays(instant: Date, days: number, timeZone: string): Date {
  const w = wallOf(instant.getTime(), timeZone);
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day + days);
  return new Date(instantOf({ ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, timeZone));
}

/** Midnight at the start of a calendar date in the zone, e.g. a date typed in a CSV file. */
export function startOfLocalDate(year: number, month: number, day: number, timeZone: string): Date {
  return new Date(instantOf({ year, month, day, hour: 0, minute: 0, second: 0, ms: 0 }, timeZone));
}

/** The end of a period of the plan's duration that starts at `start` (exclusive, half-open). */
export function periodEnd(start: Date, duration: PlanDuration, timeZone: string): Date {
  if (!Number.isInteger(duration.count) || duration.count <= 0)
    throw new RangeError(`a plan duration is a positive whole number, not ${duration.count}`);
  return duration.unit === 'months' ? addCalendarMonths(start, duration.count, timeZone) : addCalendarDays(start, duration.count, timeZone);
}
