import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface AuditEntry {
  id: number;
  at: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: unknown;
  /** The target's current name (a server's, a login's email…); null when it is gone or has none. */
  targetName: string | null;
}

export interface AuditQuery {
  q?: string;
  action?: string;
  actorId?: string;
  targetType?: string;
  from?: string;
  to?: string;
  offset: number;
  limit: number;
  order: 'asc' | 'desc';
}

export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(entry: Omit<AuditEntry, 'id' | 'targetName'>): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        at: entry.at,
        actor_type: entry.actorType,
        actor_id: entry.actorId,
        actor_label: entry.actorLabel,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId,
        ip: entry.ip,
        details: entry.details === undefined ? null : JSON.stringify(entry.details),
      })
      .execute();
  }

  /** How many of these actions a login has done (as actor or, for setup, as target). */
  async countFor(loginId: string, actions: string[]): Promise<number> {
    const row = await this.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', 'in', actions)
      .where((eb) => eb.or([eb('actor_id', '=', loginId), eb('target_id', '=', loginId)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async search(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    let base = this.db.selectFrom('audit_log');
    if (query.action) base = base.where('action', 'like', `${query.action}%`);
    if (query.actorId) base = base.where('actor_id', '=', query.actorId);
    if (query.targetType) base = base.where('target_type', '=', query.targetType);
    if (query.from) base = base.where('at', '>=', query.from);
    if (query.to) base = base.where('at', '<', query.to);
    if (query.q) {
      const like = `%${query.q.toLowerCase()}%`;
      base = base.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['action']), 'like', like),
          eb(eb.fn('lower', ['actor_label']), 'like', like),
          eb(eb.fn('lower', ['target_id']), 'like', like),
          eb(eb.fn('lower', ['details']), 'like', like),
        ]),
      );
    }
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await base
      .selectAll()
      .orderBy('id', query.order)
      .limit(query.limit)
      .offset(query.offset)
      .execute();
    const names = await this.targetNames(rows.map((r) => ({ type: r.target_type, id: r.target_id })));
    return {
      total: Number(total.n),
      items: rows.map((r) => ({
        targetName: (r.target_type && r.target_id && names.get(`${r.target_type}:${r.target_id}`)) || null,
        id: Number(r.id),
        at: r.at,
        actorType: r.actor_type,
        actorId: r.actor_id,
        actorLabel: r.actor_label,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        ip: r.ip,
        details: r.details ? (JSON.parse(r.details) as unknown) : null,
      })),
    };
  }

  /** Current names of a page's targets, one query per kind of target. */
  private async targetNames(targets: { type: string | null; id: string | null }[]): Promise<Map<string, string>> {
    const idsOf = (type: string) => [...new Set(targets.filter((t) => t.type === type && t.id).map((t) => t.id!))];
    const out = new Map<string, string>();
    const put = (type: string, rows: { id: string; name: string | null }[]) => {
      for (const r of rows) if (r.name) out.set(`${type}:${r.id}`, r.name);
    };
    const lookups: Promise<void>[] = [];
    const lookup = (type: string, run: (ids: string[]) => Promise<{ id: string; name: string | null }[]>) => {
      const ids = idsOf(type);
      if (ids.length > 0) lookups.push(run(ids).then((rows) => put(type, rows)));
    };
    const db = this.db;
    lookup('server', (ids) => db.selectFrom('servers').select(['id', 'name']).where('id', 'in', ids).execute());
    lookup('login', (ids) => db.selectFrom('logins').select(['id', 'email as name']).where('id', 'in', ids).execute());
    lookup('member', (ids) =>
      db
        .selectFrom('members')
        .select((eb) => ['id', eb.fn.coalesce('display_name', 'username', 'email').as('name')])
        .where('id', 'in', ids)
        .execute(),
    );
    lookup('location', (ids) => db.selectFrom('server_locations').select(['id', 'name']).where('id', 'in', ids).execute());
    lookup('library_group', (ids) => db.selectFrom('library_groups').select(['id', 'name']).where('id', 'in', ids).execute());
    lookup('library', (ids) => db.selectFrom('libraries').select(['id', 'title as name']).where('id', 'in', ids).execute());
    lookup('role', (ids) => db.selectFrom('roles').select(['id', 'name']).where('id', 'in', ids).execute());
    lookup('api_key', (ids) => db.selectFrom('api_keys').select(['id', 'name']).where('id', 'in', ids).execute());
    lookup('plex_account', (ids) =>
      db
        .selectFrom('plex_accounts')
        .select((eb) => ['id', eb.fn.coalesce('username', 'email').as('name')])
        .where('id', 'in', ids)
        .execute(),
    );
    await Promise.all(lookups);
    return out;
  }
}
