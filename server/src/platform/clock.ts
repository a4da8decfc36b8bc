/** Every piece of code that needs "now" takes a Clock, so tests move time instead of waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests control: starts at a fixed instant and only moves when told. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(instant: Date | string): void {
    this.current = new Date(instant).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export function addMs(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

/**
 * The demo's clock: real time plus an offset a visitor moves forward ("advance the clock"), so
 * expiries, grace and deletions can be watched without waiting days. Never used outside demo mode.
 */
export class OffsetClock implements Clock {
  private offset = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): Date {
    return new Date(this.base.now().getTime() + this.offset);
  }
  get offsetMs(): number {
    return this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
  /** Moves to an instant (null: back to real time). */
  set(instant: Date | null): void {
    this.offset = instant ? instant.getTime() - this.base.now().getTime() : 0;
  }
}
