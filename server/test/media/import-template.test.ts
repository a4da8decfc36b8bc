import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoSeed, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';

describeEachDb('The template user named after the first sync is never offered for import', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    jellyfin = await startJellyfinFake({ serverName: 'Study' });
    jellyfin.seed(demoSeed({ users: 3, items: false, userPrefix: 'st-' }));
    // Synced before the template user is set: its account is stored like any other.
    serverId = (await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey })).json().id;
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
  });
  afterAll(() => jellyfin.close());

  it('leaves it out of the preview and of the import', async () => {
    const preview = (await admin.get('/api/admin/members/import/preview')).json();
    const names = preview.items.flatMap((s: { accounts: { username: string }[] }) => s.accounts.map((a) => a.username));
    expect(names).toHaveLength(3);
    expect(names).not.toContain(TEMPLATE_USER_NAME);
    expect((await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' })).json()).toEqual({ imported: 3 });
    const members = (await admin.get('/api/admin/members')).json();
    expect(members.items.map((m: { username: string }) => m.username)).not.toContain(TEMPLATE_USER_NAME);
  });
});
