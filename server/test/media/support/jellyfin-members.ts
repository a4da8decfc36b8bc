import { expect } from 'vitest';
import { demoSeed, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../../../fakes/src/index.js';
import type { TestClient, TestUsher } from '../../support/app.js';

/**
 * A Jellyfin fake with `users` members, added to Usher (with the template user set first), synced
 * and imported as permanent members: the starting point of most sync and access tests.
 */
export async function jellyfinWithMembers(
  usher: TestUsher,
  admin: TestClient,
  options: { serverName: string; users: number; userPrefix: string; enabled?: boolean },
): Promise<{ jellyfin: MediaBrowserFake; serverId: string }> {
  await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
  const jellyfin = await startJellyfinFake({ serverName: options.serverName });
  jellyfin.seed(demoSeed({ users: options.users, items: false, userPrefix: options.userPrefix }));
  const added = await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, ...(options.enabled ? { enabled: true } : {}) });
  const serverId = added.json().id as string;
  // Adding a server syncs it at once; this pass comes after that one.
  await usher.container.sync.settled(serverId);
  expect((await admin.post(`/api/admin/servers/${serverId}/sync`)).json()).toMatchObject({ ok: true, accounts: { awaitingImport: options.users } });
  expect((await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' })).json()).toEqual({ imported: options.users });
  return { jellyfin, serverId };
}
