import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jellyfinAuthorization } from '../../src/adapters/media-server/mediabrowser/client.js';
import { integrationError, member, startHarness, type Harness } from './support/mediabrowser.js';
import { mediaBrowserAdapterSuite } from './support/mediabrowser-suite.js';

describe('JellyfinAdapter against the Jellyfin fake', () => {
  mediaBrowserAdapterSuite('jellyfin');
});

describe('JellyfinAdapter: Jellyfin specifics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('jellyfin');
  });
  afterAll(() => h.close());

  it('authenticates with the Authorization header, which works without legacy authorization', async () => {
    expect(jellyfinAuthorization('k')).toMatch(/^MediaBrowser Client="Usher", .*Token="k"$/);
    h.fake.settings.legacyAuthorization = false;
    try {
      await expect(h.adapter().listAccounts()).resolves.not.toHaveLength(0);
    } finally {
      h.fake.settings.legacyAuthorization = true;
    }
  });

  it('sets a password as an administrator, and explains a refused one without retrying', async () => {
    const { id } = member(h.fake);
    await h.adapter().setPassword({ remoteId: id }, 'a-new-password');
    expect(h.fake.state.users.get(id)!.password).toBe('a-new-password');
    h.fake.settings.minPasswordLength = 30;
    h.fake.http.resetCounts();
    const error = await integrationError(h.adapter().setPassword({ remoteId: id }, 'short'));
    expect(error.reason).toBe('mediabrowser_password_rejected');
    expect(h.count('POST /Users/Password')).toBe(1);
    h.fake.settings.minPasswordLength = 0;
  });

  it('reports the server refusing to disable an administrator with its own words', async () => {
    const admin = h.fake.state.findUser('admin')!;
    const adapter = h.adapter();
    const error = await integrationError(
      (async () => {
        // Only reachable through a raw full-object write: Usher never disables administrators itself.
        const policy = { ...admin.policy, IsDisabled: true };
        await (adapter as unknown as { postPolicy(id: string, p: unknown): Promise<void> }).postPolicy(admin.id, policy);
      })(),
    );
    expect(error).toMatchObject({ reason: 'mediabrowser_refused', status: 403 });
    expect(error.message).toContain('Administrators cannot be disabled.');
  });
});
