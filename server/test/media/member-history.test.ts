import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MediaBrowserFake } from '../../../fakes/src/index.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { MembersRepository } from '../../src/modules/members/members.repository.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { jellyfinWithMembers } from './support/jellyfin-members.js';

describeEachDb('A member whose account disappears is remembered on that server', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    ({ jellyfin, serverId } = await jellyfinWithMembers(usher, admin, { serverName: 'Den', users: 6, userPrefix: 'den-' }));
  });
  afterAll(() => jellyfin.close());

  it('keeps the server in the member history when sync removes the account, and nowhere else', async () => {
    const db = usher.db.handle.db;
    const gone = jellyfin.state.findUser('den-0001')!;
    const account = await db.selectFrom('member_accounts').selectAll().where('server_id', '=', serverId).where('username', '=', gone.name).executeTakeFirstOrThrow();
    jellyfin.state.deleteUser(gone);

    usher.clock.advance(60_000);
    expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, accounts: { gone: 1 } });

    expect(await db.selectFrom('member_accounts').select('id').where('id', '=', account.id).execute()).toEqual([]);
    expect(await new MembersRepository(db).previousServers(account.member_id!)).toEqual([
      { serverId, remoteId: account.remote_id, removedAt: usher.clock.now().toISOString() },
    ]);
    // Members still on the server have no history yet.
    const stayed = await db.selectFrom('member_accounts').select('member_id').where('server_id', '=', serverId).execute();
    expect(stayed).toHaveLength(5);
    const histories = await db.selectFrom('member_server_history').selectAll().execute();
    expect(histories.map((h) => h.member_id)).toEqual([account.member_id]);
  });
});
