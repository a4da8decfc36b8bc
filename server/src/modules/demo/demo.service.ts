import type { OffsetClock } from '../../platform/clock.js';
import { DAY_MS } from '../../platform/clock.js';
import { badRequest } from '../../http/errors.js';
import type { AccessService } from '../access/access.service.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { OperationsService } from '../operations/operations.service.js';

export interface DemoClockView {
  now: string;
  /** How far the demo clock is ahead of real time (negative: behind). */
  offsetMs: number;
  /** Whether the pass after a move writes to the servers (Settings → Media servers → Sync shared libraries). */
  syncSharedLibraries: boolean;
  /** What the pass after the move did: changes computed, operations applied (null on a plain read). */
  pass: { changes: number; applied: number; failed: number } | null;
}

/** Demo mode only: moves the demo clock and runs a pass at the new time, so expiries happen before the visitor's eyes. */
export class DemoService {
  constructor(
    private readonly clock: OffsetClock,
    private readonly access: AccessService,
    private readonly operations: OperationsService,
    private readonly audit: AuditService,
    private readonly syncSharedLibraries: () => Promise<boolean>,
  ) {}

  async read(): Promise<DemoClockView> {
    return this.view(null);
  }

  async advance(days: number, actor: Actor): Promise<DemoClockView> {
    if (!Number.isInteger(days) || days < 1 || days > 365) throw badRequest('days_invalid', 'Advance the clock by 1 to 365 days.');
    this.clock.advance(days * DAY_MS);
    await this.audit.record(actor, 'demo.clock_advance', undefined, { days, now: this.clock.now().toISOString() });
    return this.view(await this.pass());
  }

  async set(at: string | null, actor: Actor): Promise<DemoClockView> {
    const instant = at === null ? null : new Date(at);
    if (instant && Number.isNaN(instant.getTime()))
      throw badRequest('at_invalid', 'Give a date and time (ISO 8601), or null for real time.');
    this.clock.set(instant);
    await this.audit.record(actor, 'demo.clock_set', undefined, { now: this.clock.now().toISOString() });
    return this.view(await this.pass());
  }

  /** A full pass at the new time, its operations applied at once (the demo's fakes answer immediately). */
  private async pass(): Promise<NonNullable<DemoClockView['pass']>> {
    const result = await this.access.reconcileAll();
    const applied = await this.operations.applyDue();
    return { changes: result.changes.length, applied: applied.applied, failed: applied.failed };
  }

  private async view(pass: DemoClockView['pass']): Promise<DemoClockView> {
    return {
      now: this.clock.now().toISOString(),
      offsetMs: this.clock.offsetMs,
      syncSharedLibraries: await this.syncSharedLibraries(),
      pass,
    };
  }
}
