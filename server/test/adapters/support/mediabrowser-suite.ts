import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccessGrant } from '../../../src/ports/media-server.js';
import { EventLog, integrationError, member, sleep, startHarness, type Flavor, type Harness } from './mediabrowser.js';

/**
 * The behaviour both MediaBrowser adapters share, run against the matching fake over real HTTP:
 * every method, each with at least one injected failure, and the retry rules checked through the
 * fake's request counts.
 */
export function mediaBrowserAdapterSuite(flavor: Flavor): void {
  const routes =
    flavor === 'jellyfin'
      ? { users: 'GET /Users', libraries: 'GET /Library/VirtualFolders', configuration: 'POST /Users/Configuration' }
      : { users: 'GET /Users/Query', libraries: 'GET /Library/MediaFolders', configuration: 'POST /Users/:id/Configuration' };
  const capField = flavor === 'jellyfin' ? 'MaxActiveSessions' : 'SimultaneousStreamLimit';
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(flavor);
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.fake.http.clearFaults();
    h.fake.http.resetCounts();
    h.fake.settings.minPasswordLength = 0;
  });

  const libraryIds = () => [...h.fake.state.libraries.values()].map((l) => l.guid);
  const grant = (libraries: string[], extra: Partial<AccessGrant> = {}): AccessGrant => ({ libraries, allowDownloads: false, allowTranscoding: true, sessionCap: 2, ...extra });

  describe('identity and testConnection', () => {
    it('reads the server id, name and version', async () => {
      const identity = await h.adapter().identity();
      expect(identity).toMatchObject({ machineId: h.fake.state.serverId, name: h.fake.state.serverName });
      expect(identity.version).toMatch(flavor === 'jellyfin' ? /^10\./ : /^4\.8/);
    });

    it('a wrong API key is a clear, non-retried error', async () => {
      const error = await integrationError(h.adapter({ apiKey: 'wrong' }).testConnection());
      expect(error).toMatchObject({ kind: 'unauthorized', reason: 'mediabrowser_bad_api_key', retryable: false, status: 401 });
      expect(error.fix).toMatch(/API key/);
      expect(h.count('GET /System/Info')).toBe(1);
    });

    it('a 503 is retried and succeeds', async () => {
      h.fake.http.fail('GET /System/Info', 1, 503);
      await expect(h.adapter().testConnection()).resolves.toMatchObject({ machineId: h.fake.state.serverId });
      expect(h.count('GET /System/Info')).toBe(2);
    });

    it('names a missing template user, and a user token without admin rights', async () => {
      const missing = await integrationError(h.adapter({ templateUserId: 'f27caa37e5142225cceded48f6553502' }).testConnection());
      expect(missing).toMatchObject({ reason: 'template_user_missing', retryable: false });
      expect(missing.fix).toMatch(/template user/);
      const token = h.fake.userToken(member(h.fake).id);
      const forbidden = await integrationError(h.adapter({ apiKey: token }).testConnection());
      expect(forbidden).toMatchObject({ reason: 'mediabrowser_forbidden', status: 403 });
    });
  });

  describe('listLibraries and libraryStats', () => {
    it('lists libraries with the id EnabledFolders takes', async () => {
      const libraries = await h.adapter().listLibraries();
      expect(libraries.map((l) => [l.title, l.type])).toEqual([
        ['Movies', 'movie'],
        ['TV Shows', 'show'],
        ['4K Movies', 'movie'],
        ['Music', 'music'],
      ]);
      expect(libraries.map((l) => l.remoteId)).toEqual(libraryIds());
      expect(libraries.every((l) => l.key === l.remoteId && /^[0-9a-f]{32}$/.test(l.remoteId))).toBe(true);
    });

    it('a server error that persists is retryable and was tried three times', async () => {
      h.fake.http.fail(routes.libraries, 5, 500);
      const error = await integrationError(h.adapter().listLibraries());
      expect(error).toMatchObject({ kind: 'unavailable', retryable: true, status: 500 });
      expect(h.count(routes.libraries)).toBe(3);
    });

    it('an answer without the expected list is an error, never "no libraries"', async () => {
      for (const body of ['{}', '{"Items":null}', 'null', '"Movies"']) {
        h.fake.http.fail(routes.libraries, 1, 200, body);
        expect(await integrationError(h.adapter().listLibraries())).toMatchObject({ kind: 'invalid_response' });
      }
    });

    it('counts items per library with one query per kind, retrying a 503', async () => {
      h.fake.http.fail('GET /Items', 1, 503);
      const stats = await h.adapter().libraryStats();
      expect(stats.map(({ remoteId: _r, ...c }) => c)).toEqual([{ items: 24 }, { items: 3, episodes: 30 }, { items: 6 }, { items: 5, albums: 5, tracks: 50 }]);
      expect(stats.map((s) => s.remoteId)).toEqual(libraryIds());
      expect(h.count('GET /Items')).toBe(6 + 1);
    });
  });

  describe('listAccounts', () => {
    it('marks administrators, the template user and disabled accounts', async () => {
      const accounts = await h.adapter().listAccounts();
      const admin = accounts.find((a) => a.username === 'admin');
      expect(admin?.role).toBe('admin');
      const template = accounts.find((a) => a.remoteId === h.templateId);
      expect(template).toMatchObject({ role: 'member', isTemplate: true, libraries: [libraryIds()[0], libraryIds()[1]], allowDownloads: false });
      expect(accounts.filter((a) => a.isTemplate)).toHaveLength(1);
      const disabled = [...h.fake.state.users.values()].find((u) => u.policy.IsDisabled === true);
      expect(accounts.find((a) => a.remoteId === disabled?.id)?.state).toBe('disabled');
      expect(h.count(routes.users)).toBe(1);
    });

    it('an answer without the expected list is an error, never "no accounts"', async () => {
      for (const body of ['{}', '{"Items":{}}', 'null']) {
        h.fake.http.fail(routes.users, 1, 200, body);
        const error = await integrationError(h.adapter().listAccounts());
        expect(error).toMatchObject({ kind: 'invalid_response' });
        expect(error.message).toMatch(/changed nothing/);
      }
    });

    it('a hung call times out and is retried', async () => {
      h.fake.http.hang(routes.users, 1);
      const accounts = await h.adapter({ timeoutMs: 300 }).listAccounts();
      expect(accounts.length).toBeGreaterThan(5);
      expect(h.count(routes.users)).toBe(2);
    });
  });

  describe('provisionAccount', () => {
    const names = () => [...h.fake.state.users.values()].map((u) => u.name);

    it('copies the template, sets the password and applies the grant with a full policy', async () => {
      const [movies, , fourK] = libraryIds();
      const account = await h.adapter().provisionAccount({ identifier: `${flavor}-new-1`, password: 'pw-12345', grant: grant([movies!, fourK!], { allowDownloads: true, sessionCap: 3 }) });
      const user = h.fake.state.findUser(`${flavor}-new-1`)!;
      expect(account).toMatchObject({ remoteId: user.id, username: `${flavor}-new-1`, role: 'member', state: 'active', libraries: [movies, fourK], allowDownloads: true });
      expect(user.password).toBe('pw-12345');
      expect(user.policy).toMatchObject({ IsAdministrator: false, IsDisabled: false, EnableAllFolders: false, EnabledFolders: [movies, fourK], EnableContentDownloading: true, [capField]: 3 });
      expect(user.policy.IsHidden).toBe(true);
      expect(user.configuration.SubtitleMode).toBe('Always');
      expect(user.displayPreferences.get('usersettings|emby')?.CustomPrefs).toEqual({ homesection0: 'resume' });
      const posted = h.fake.state.policyPosts.filter((p) => p.userId === user.id);
      expect(posted).toHaveLength(1);
      const templatePolicy = h.fake.state.findUser(h.templateId)!.policy;
      expect(Object.keys(posted[0]!.body as object)).toEqual(expect.arrayContaining(Object.keys(templatePolicy)));
      expect(posted[0]!.status).toBe(204);
    });

    it('refuses a taken username without creating anything', async () => {
      const error = await integrationError(h.adapter().provisionAccount({ identifier: member(h.fake).name.toUpperCase(), password: 'x', grant: grant([]) }));
      expect(error.reason).toBe('mediabrowser_username_taken');
      expect(h.count('POST /Users/New')).toBe(0);
    });

    it('a refused password is explained and leaves no user behind', async () => {
      h.fake.settings.minPasswordLength = 12;
      const error = await integrationError(h.adapter().provisionAccount({ identifier: `${flavor}-short-pw`, password: 'short', grant: grant([]) }));
      expect(error).toMatchObject({ reason: 'mediabrowser_password_rejected', retryable: false });
      expect(error.message).toMatch(/password/);
      expect(names()).not.toContain(`${flavor}-short-pw`);
    });

    it('a failure in the middle (policy, then configuration) deletes the new user', async () => {
      h.fake.http.fail('POST /Users/:id/Policy', 3, 500);
      const policyError = await integrationError(h.adapter().provisionAccount({ identifier: `${flavor}-mid-1`, password: 'pw', grant: grant([]) }));
      expect(policyError).toMatchObject({ kind: 'unavailable', retryable: true });
      expect(h.count('POST /Users/:id/Policy')).toBe(3);
      expect(names()).not.toContain(`${flavor}-mid-1`);

      h.fake.http.fail(routes.configuration, 3, 500);
      await integrationError(h.adapter().provisionAccount({ identifier: `${flavor}-mid-2`, password: 'pw', grant: grant([]) }));
      expect(names()).not.toContain(`${flavor}-mid-2`);
      expect(h.count('DELETE /Users/:id')).toBe(2);
    });

    it('a failed create is not retried (not idempotent) and leaves nothing', async () => {
      h.fake.http.fail('POST /Users/New', 1, 503);
      const error = await integrationError(h.adapter().provisionAccount({ identifier: `${flavor}-create-503`, password: 'pw', grant: grant([]) }));
      expect(error).toMatchObject({ status: 503, retryable: true });
      expect(h.count('POST /Users/New')).toBe(1);
      expect(names()).not.toContain(`${flavor}-create-503`);
    });

    it('stops before creating when the template user is gone', async () => {
      const error = await integrationError(h.adapter({ templateUserId: '0123456789abcdef0123456789abcdef' }).provisionAccount({ identifier: `${flavor}-no-template`, grant: grant([]) }));
      expect(error.reason).toBe('template_user_missing');
      expect(h.count('POST /Users/New')).toBe(0);
    });
  });

  describe('grantAccess and revokeAccess', () => {
    it('sends the full policy once and skips the POST when nothing changes', async () => {
      const { id } = member(h.fake, 1);
      const [movies, shows] = libraryIds();
      const adapter = h.adapter();
      await adapter.grantAccess({ remoteId: id }, grant([shows!, movies!], { allowTranscoding: false, sessionCap: 1 }));
      const user = h.fake.state.users.get(id)!;
      expect(user.policy).toMatchObject({ EnabledFolders: [shows, movies], EnableAllFolders: false, EnableVideoPlaybackTranscoding: false, EnableAudioPlaybackTranscoding: true, [capField]: 1 });
      const body = h.fake.state.policyPosts.at(-1)!.body as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(expect.arrayContaining(Object.keys(h.fake.state.findUser(h.templateId)!.policy)));
      expect(body.AuthenticationProviderId).toBeTruthy();
      if (flavor === 'jellyfin') expect(body.PasswordResetProviderId).toBeTruthy();
      await adapter.grantAccess({ remoteId: id }, grant([movies!, shows!], { allowTranscoding: false, sessionCap: 1 }));
      expect(h.count('POST /Users/:id/Policy')).toBe(1);
      expect(h.count('GET /Users/:id')).toBe(2);
    });

    it('a 503 on the policy POST is retried (full-object writes are idempotent)', async () => {
      const { id } = member(h.fake, 2);
      h.fake.http.fail('POST /Users/:id/Policy', 1, 503);
      await h.adapter().grantAccess({ remoteId: id }, grant([libraryIds()[3]!]));
      expect(h.count('POST /Users/:id/Policy')).toBe(2);
      expect(h.fake.state.users.get(id)!.policy.EnabledFolders).toEqual([libraryIds()[3]]);
    });

    it('an unknown user is not_found and not retried', async () => {
      const error = await integrationError(h.adapter().grantAccess({ remoteId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }, grant([])));
      expect(error).toMatchObject({ kind: 'not_found', retryable: false });
      expect(h.count('GET /Users/:id')).toBe(1);
    });

    it('revokes every folder but keeps the account; a repeat changes nothing', async () => {
      const { id } = member(h.fake, 3);
      const adapter = h.adapter();
      await adapter.revokeAccess({ remoteId: id });
      expect(h.fake.state.users.get(id)!.policy).toMatchObject({ EnableAllFolders: false, EnabledFolders: [] });
      await adapter.revokeAccess({ remoteId: id });
      expect(h.count('POST /Users/:id/Policy')).toBe(1);
      h.fake.http.fail('GET /Users/:id', 1, 401, '');
      const error = await integrationError(adapter.revokeAccess({ remoteId: id }));
      expect(error.reason).toBe('mediabrowser_bad_api_key');
    });
  });

  describe('deleteAccount', () => {
    it('deletes, and deleting again succeeds', async () => {
      const user = h.fake.state.seedUser({ name: `${flavor}-to-delete` });
      const adapter = h.adapter();
      await adapter.deleteAccount({ remoteId: user.id });
      expect(h.fake.state.users.has(user.id)).toBe(false);
      await adapter.deleteAccount({ remoteId: user.id });
    });

    it('a persistent 500 fails after the retries', async () => {
      const user = h.fake.state.seedUser({ name: `${flavor}-undeletable` });
      h.fake.http.fail('DELETE /Users/:id', 3, 500);
      const error = await integrationError(h.adapter().deleteAccount({ remoteId: user.id }));
      expect(error.retryable).toBe(true);
      expect(h.count('DELETE /Users/:id')).toBe(3);
      expect(h.fake.state.users.has(user.id)).toBe(true);
    });
  });

  describe('listSessions and stopSession', () => {
    it('reports only streaming sessions, with 4K source and video-transcode facts', async () => {
      h.fake.state.sessions.clear();
      const a = h.fake.startPlayback({ user: member(h.fake, 0).id, fourK: true, transcode: 'video', device: 'TV', client: 'Android TV', ip: '198.51.100.7' });
      const b = h.fake.startPlayback({ user: member(h.fake, 1).id, transcode: 'audio', paused: true });
      const c = h.fake.startPlayback({ user: member(h.fake, 2).id });
      const idle = h.fake.startPlayback({ user: member(h.fake, 3).id });
      h.fake.state.stopPlayback(idle);
      const sessions = await h.adapter().listSessions();
      expect(sessions.map((s) => s.sessionId).sort()).toEqual([a.id, b.id, c.id].sort());
      const byId = new Map(sessions.map((s) => [s.sessionId, s]));
      expect(byId.get(a.id)).toMatchObject({ accountRemoteId: member(h.fake, 0).id, username: member(h.fake, 0).name, device: 'TV', player: 'Android TV', ip: '198.51.100.7', state: 'playing', videoTranscode: true, source4k: true });
      expect(byId.get(b.id)).toMatchObject({ state: 'paused', videoTranscode: false, source4k: false });
      expect(byId.get(c.id)).toMatchObject({ videoTranscode: false, source4k: false, media: { type: 'movie' } });
    });

    it('a 401 is not retried', async () => {
      h.fake.http.fail('GET /Sessions', 1, 401, '');
      const error = await integrationError(h.adapter().listSessions());
      expect(error.reason).toBe('mediabrowser_bad_api_key');
      expect(h.count('GET /Sessions')).toBe(1);
    });

    it('shows the message first, then stops', async () => {
      const s = h.fake.startPlayback({ user: member(h.fake, 4).id });
      await h.adapter().stopSession(s.id, 'Your plan allows one stream.');
      const message = h.fake.state.messages.at(-1)!;
      expect(message).toMatchObject({ sessionId: s.id, text: 'Your plan allows one stream.', header: 'Usher', via: flavor === 'jellyfin' ? 'json' : 'query' });
      expect(h.fake.state.commands.at(-1)).toMatchObject({ sessionId: s.id, command: 'Stop' });
      expect(message.at <= h.fake.state.commands.at(-1)!.at).toBe(true);
      expect(h.fake.state.sessions.get(s.id)!.itemId).toBeNull();
    });

    it('still stops when the message fails (not retried), retries a 503 on Stop, and treats a gone session as stopped', async () => {
      const s = h.fake.startPlayback({ user: member(h.fake, 5).id });
      h.fake.http.fail('POST /Sessions/:id/Message', 1, 503);
      h.fake.http.fail('POST /Sessions/:id/Playing/:command', 1, 503);
      await h.adapter().stopSession(s.id, 'Stopping');
      expect(h.count('POST /Sessions/:id/Message')).toBe(1);
      expect(h.count('POST /Sessions/:id/Playing/:command')).toBe(2);
      expect(h.fake.state.sessions.get(s.id)!.itemId).toBeNull();
      await h.adapter().stopSession('0123456789abcdef0123456789abcdef', 'gone');
    });
  });

  describe('subscribeEvents', () => {
    it('subscribes, answers keep-alives, reports session changes and reconnects after a drop', async () => {
      h.fake.state.sessions.clear();
      const log = new EventLog();
      const opened = log.next((e) => e.type === 'connection' && e.state === 'open');
      const sub = h.adapter().subscribeEvents(log.push);
      await opened;
      const changed = log.next((e) => e.type === 'sessions_changed');
      const s = h.fake.startPlayback({ user: member(h.fake, 0).id });
      await changed;
      if (flavor === 'jellyfin') expect(h.fake.socket.keepAlivesReceived).toBeGreaterThan(0);

      const paused = log.next((e) => e.type === 'sessions_changed');
      h.fake.state.setPaused(s.id, true);
      await paused;

      const closed = log.next((e) => e.type === 'connection' && e.state === 'closed');
      const reopened = log.next((e) => e.type === 'connection' && e.state === 'open' && log.events.some((x) => x.type === 'connection' && x.state === 'closed'));
      h.fake.socket.dropAll();
      await closed;
      await reopened;
      const afterReconnect = log.next((e) => e.type === 'sessions_changed');
      h.fake.state.endSession(s.id);
      await afterReconnect;
      const updated = log.next((e) => e.type === 'account_changed');
      await h.adapter().revokeAccess({ remoteId: member(h.fake, 0).id });
      await updated;
      await sub.close();
      expect(h.fake.socket.connectedClients).toBe(0);
    });

    it('with a wrong key the socket is refused and never opens; close still works', async () => {
      const log = new EventLog();
      const sub = h.adapter({ apiKey: 'wrong' }).subscribeEvents(log.push);
      await sleep(400);
      expect(log.events).toEqual([]);
      await sub.close();
    });
  });

  describe('listDownloads', () => {
    it('reads original-file downloads from the activity log since an instant', async () => {
      const since = new Date(Date.now() - 1000);
      const user = h.fake.state.users.get(member(h.fake, 1).id)!;
      const item = [...h.fake.state.items.values()][0]!;
      h.fake.state.logDownload(user, item);
      const downloads = await h.adapter().listDownloads(since);
      expect(downloads.at(-1)).toMatchObject({ accountRemoteId: user.id, itemId: flavor === 'jellyfin' ? item.id : null });
      h.fake.http.fail('GET /System/ActivityLog/Entries', 1, 502);
      await expect(h.adapter().listDownloads(since)).resolves.toHaveLength(downloads.length);
      expect(h.count('GET /System/ActivityLog/Entries')).toBe(3);
    });

    it('pages to the end of the window: a download behind 2,500 newer log lines is found', async () => {
      const since = new Date(Date.now() - 60_000);
      const user = h.fake.state.users.get(member(h.fake, 2).id)!;
      const item = [...h.fake.state.items.values()][0]!;
      const download = h.fake.state.logDownload(user, item);
      for (let i = 0; i < 2_500; i++) h.fake.state.logEntry({ name: `${user.name} is playing ${item.name}`, shortOverview: '', type: 'VideoPlayback', userId: user.id });
      h.fake.http.resetCounts();
      const downloads = await h.adapter().listDownloads(since);
      expect(downloads.filter((d) => d.at === download.date && d.accountRemoteId === user.id)).toHaveLength(1);
      expect(h.count('GET /System/ActivityLog/Entries')).toBeGreaterThan(4);
    });
  });

  describe('self-signed HTTPS', () => {
    let tls: Harness;
    beforeAll(async () => {
      tls = await startHarness(flavor, { tls: true });
    });
    afterAll(() => tls.close());

    it('is refused by default with a fix that names the setting, and accepted with allowSelfSigned', async () => {
      expect(tls.fake.url).toMatch(/^https:/);
      const error = await integrationError(tls.adapter().identity());
      expect(error).toMatchObject({ kind: 'tls', retryable: false });
      expect(error.fix).toMatch(/Allow self-signed certificate/);
      await expect(tls.adapter({ allowSelfSigned: true }).identity()).resolves.toMatchObject({ machineId: tls.fake.state.serverId });
      const log = new EventLog();
      const opened = log.next((e) => e.type === 'connection' && e.state === 'open');
      const sub = tls.adapter({ allowSelfSigned: true }).subscribeEvents(log.push);
      await opened;
      await sub.close();
    });
  });
}
