import type { TestClient } from '../../support/app.js';

/**
 * Adds the fake owner's Plex account and its server named `name` through the admin API, as an admin
 * would, and returns the ids tests address the server by.
 */
export async function addPlexServer(
  admin: TestClient,
  ownerToken: string | null,
  name = 'Alpha',
): Promise<{ serverId: string; machineId: string }> {
  const accountId = (await admin.post('/api/admin/plex-accounts', { token: ownerToken })).json().id;
  const listed = (await admin.get(`/api/admin/plex-accounts/${accountId}/servers`))
    .json()
    .items.find((s: { name: string }) => s.name === name);
  if (!listed) throw new Error(`the fake plex.tv lists no server named ${name}`);
  const created = await admin.post('/api/admin/servers', {
    kind: 'plex',
    plexAccountId: accountId,
    machineId: listed.machineId,
    url: listed.connections[0].uri,
    enabled: true,
  });
  if (created.statusCode !== 201 && created.statusCode !== 200) throw new Error(`adding the Plex server failed: ${created.body}`);
  return { serverId: created.json().id, machineId: listed.machineId };
}
