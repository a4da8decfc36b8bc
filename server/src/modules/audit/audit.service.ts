import type { Clock } from '../../platform/clock.js';
import type { AuditQuery, AuditRepository } from './audit.repository.js';

/** Who did something: a logged-in person, an API key, Usher itself, or an anonymous visitor. */
export interface Actor {
  type: 'login' | 'api_key' | 'system' | 'anonymous';
  id: string | null;
  label: string | null;
  ip: string | null;
}

export const systemActor: Actor = { type: 'system', id: null, label: 'system', ip: null };

export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  async record(
    actor: Actor,
    action: string,
    target?: { type: string; id: string | null },
    details?: Record<string, unknown>,
  ): Promise<void> {
    await this.repo.insert({
      at: this.clock.now().toISOString(),
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label,
      action,
      targetType: target?.type ?? null,
      targetId: target?.id ?? null,
      ip: actor.ip,
      details,
    });
  }

  /** Whether this login had a session before the current one (the dashboard says "Welcome back"). */
  async hasSignedInBefore(loginId: string): Promise<boolean> {
    return (await this.repo.countFor(loginId, ['auth.login', 'setup.completed', 'setup.headless_admin'])) > 1;
  }

  search(query: AuditQuery) {
    return this.repo.search(query);
  }
}
