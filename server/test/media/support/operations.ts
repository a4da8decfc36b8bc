import { toBool } from '../../../src/db/database.js';
import { reconcile, type ActualAccount, type DesiredEntry, type Grant, type Operation, type ServerKind } from '../../../src/domain/reconcile.js';
import type { TestUsher } from '../../support/app.js';

/** The accounts Usher stores for a server, as the reconciler sees them (only imported members). */
export async function actualAccounts(usher: TestUsher, serverId: string): Promise<ActualAccount[]> {
  const rows = await usher.db.handle.db.selectFrom('member_accounts').selectAll().where('server_id', '=', serverId).where('member_id', 'is not', null).execute();
  return rows.map((r) => ({
    memberId: r.member_id!,
    serverId,
    remoteId: r.remote_id,
    shareId: r.share_id,
    role: 'member',
    state: r.state as ActualAccount['state'],
    libraries: JSON.parse(r.libraries) as string[] | 'all',
    allowDownloads: toBool(r.allow_downloads),
  }));
}

export async function libraryIds(usher: TestUsher, serverId: string): Promise<Map<string, string>> {
  const rows = await usher.db.handle.db.selectFrom('libraries').select(['title', 'remote_id']).where('server_id', '=', serverId).execute();
  return new Map(rows.map((r) => [r.title, r.remote_id]));
}

/** What the reconciler would queue to give `accounts` exactly `grant` (or take access away with null). */
export function operationsFor(kind: ServerKind, accounts: ActualAccount[], grant: Grant | null, epoch = 'e1'): Operation[] {
  const desired: DesiredEntry[] = accounts.map((a) => ({
    memberId: a.memberId,
    serverId: a.serverId,
    serverKind: kind,
    identifier: a.remoteId,
    access: grant ? { kind: 'access', grant } : { kind: 'no_access' },
    epoch,
  }));
  return reconcile(desired, accounts).operations;
}

export async function operationRows(usher: TestUsher) {
  return usher.db.handle.db.selectFrom('operations').selectAll().orderBy('created_at').orderBy('id').execute();
}
