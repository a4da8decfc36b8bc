import { Jellyfin, type Api } from '@jellyfin/sdk';
import { BaseItemKind, PlayMethod, PlaystateCommand, type UserDto, type UserPolicy } from '@jellyfin/sdk/lib/generated-client/models/index.js';
import { getDeviceApi } from '@jellyfin/sdk/lib/utils/api/device-api.js';
import { getDisplayPreferenceApi } from '@jellyfin/sdk/lib/utils/api/display-preference-api.js';
import { getLibraryApi } from '@jellyfin/sdk/lib/utils/api/library-api.js';
import { getLibraryStructureApi } from '@jellyfin/sdk/lib/utils/api/library-structure-api.js';
import { getSessionApi } from '@jellyfin/sdk/lib/utils/api/session-api.js';
import { getSystemApi } from '@jellyfin/sdk/lib/utils/api/system-api.js';
import { getUserApi } from '@jellyfin/sdk/lib/utils/api/user-api.js';
import { isAxiosError } from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../src/index.js';

/**
 * The official client, generated from Jellyfin's own OpenAPI document, drives the fake through
 * every call Usher's adapter makes. Fields are read through the SDK's typed models, so a field
 * the fake misspells (or the adapter would misspell) fails here.
 */
describe('@jellyfin/sdk against the Jellyfin fake', () => {
  let fake: MediaBrowserFake;
  let api: Api;
  let templateId: string;

  beforeAll(async () => {
    fake = await startJellyfinFake({ serverName: 'SDK Jellyfin' });
    fake.seed(demoSeed({ users: 4 }));
    templateId = fake.state.findUser(TEMPLATE_USER_NAME)!.id;
    const jellyfin = new Jellyfin({
      clientInfo: { name: 'Usher tests', version: '1.0.0' },
      deviceInfo: { name: 'vitest', id: 'usher-sdk-test' },
    });
    api = jellyfin.createApi(fake.url, fake.apiKey);
  });
  afterAll(() => fake.close());

  it('reads the server identity', async () => {
    const { data } = await getSystemApi(api).getSystemInfo();
    expect(data.ServerName).toBe('SDK Jellyfin');
    expect(data.Id).toBe(fake.state.serverId);
    expect(data.Version).toMatch(/^10\./);
    const pub = await getSystemApi(api).getPublicSystemInfo();
    expect(pub.data.Id).toBe(fake.state.serverId);
  });

  it('lists users and reads one with its policy and configuration', async () => {
    const { data } = await getUserApi(api).getUsers();
    const admin = data.find((u: UserDto) => u.Policy?.IsAdministrator === true);
    expect(admin?.Name).toBe('admin');
    const template = await getUserApi(api).getUserById({ userId: templateId });
    expect(template.data.Policy?.EnableAllFolders).toBe(false);
    expect(template.data.Policy?.EnabledFolders).toHaveLength(2);
    expect(template.data.Policy?.AuthenticationProviderId).toMatch(/DefaultAuthenticationProvider$/);
    expect(template.data.Configuration?.SubtitleMode).toBe('Default');
    expect(template.data.HasPassword).toBe(false);
  });

  it('creates a user from the template (display preferences, password, policy, configuration) and deletes it', async () => {
    const users = getUserApi(api);
    const prefsApi = getDisplayPreferenceApi(api);
    const prefs = await prefsApi.getDisplayPreferences({ displayPreferencesId: 'usersettings', userId: templateId, client: 'emby' });
    const template = (await users.getUserById({ userId: templateId })).data;

    const created = (await users.createUserByName({ createUserByName: { Name: 'sdk-bob', Password: 'first-pw' } })).data;
    expect(created.Name).toBe('sdk-bob');
    expect(created.HasPassword).toBe(true);
    const userId = created.Id!;

    await users.updateUserPassword({ userId, updateUserPassword: { CurrentPw: '', NewPw: 'second-pw', ResetPassword: false } });
    expect(fake.state.users.get(userId)?.password).toBe('second-pw');

    const library = [...fake.state.libraries.values()][0]!;
    const policy: UserPolicy = {
      ...template.Policy!,
      IsAdministrator: false,
      IsDisabled: false,
      EnableAllFolders: false,
      EnabledFolders: [library.id],
      MaxActiveSessions: 2,
      EnableContentDownloading: false,
      AuthenticationProviderId: template.Policy!.AuthenticationProviderId,
      PasswordResetProviderId: template.Policy!.PasswordResetProviderId,
    };
    await users.updateUserPolicy({ userId, userPolicy: policy });
    await users.updateUserConfiguration({ userId, userConfiguration: { ...template.Configuration!, SubtitleMode: 'Always' } });
    await prefsApi.updateDisplayPreferences({ displayPreferencesId: 'usersettings', userId, client: 'emby', displayPreferencesDto: { ...prefs.data, CustomPrefs: { homesection0: 'resume' } } });

    const after = (await users.getUserById({ userId })).data;
    expect(after.Policy?.EnabledFolders).toEqual([library.id]);
    expect(after.Policy?.MaxActiveSessions).toBe(2);
    expect(after.Configuration?.SubtitleMode).toBe('Always');
    const afterPrefs = await prefsApi.getDisplayPreferences({ displayPreferencesId: 'usersettings', userId, client: 'emby' });
    expect(afterPrefs.data.CustomPrefs).toEqual({ homesection0: 'resume' });

    await users.deleteUser({ userId });
    await expect(users.getUserById({ userId })).rejects.toSatisfy((e: unknown) => isAxiosError(e) && e.response?.status === 404);
  });

  it('refuses a policy without the required provider ids (400 ValidationProblemDetails)', async () => {
    const partial = { IsAdministrator: false } as UserPolicy;
    const error: unknown = await getUserApi(api)
      .updateUserPolicy({ userId: templateId, userPolicy: partial })
      .then(() => null, (e: unknown) => e);
    expect(isAxiosError(error) && error.response?.status).toBe(400);
    const body = isAxiosError(error) ? (error.response?.data as { errors?: Record<string, string[]> }) : {};
    expect(Object.keys(body.errors ?? {})).toEqual(['AuthenticationProviderId', 'PasswordResetProviderId']);
  });

  it('lists libraries with their ItemIds and counts items per library', async () => {
    const folders = (await getLibraryStructureApi(api).getVirtualFolders()).data;
    const movies = folders.find((f) => f.Name === 'Movies');
    expect(movies?.CollectionType).toBe('movies');
    expect(movies?.ItemId).toMatch(/^[0-9a-f]{32}$/);
    const library = getLibraryApi(api);
    const counted = await library.getItems({ parentId: movies!.ItemId!, recursive: true, includeItemTypes: [BaseItemKind.Movie], limit: 0 });
    expect(counted.data.TotalRecordCount).toBe(24);
    expect(counted.data.Items).toEqual([]);
    const shows = folders.find((f) => f.Name === 'TV Shows')!;
    const episodes = await library.getItems({ parentId: shows.ItemId!, recursive: true, includeItemTypes: [BaseItemKind.Series, BaseItemKind.Episode], limit: 0 });
    expect(episodes.data.TotalRecordCount).toBe(33);
    const media = (await library.getMediaFolders()).data;
    expect(media.Items?.map((i) => i.Id)).toContain(movies!.ItemId);
    const totals = (await library.getItemCounts()).data;
    expect(totals.MovieCount).toBe(30);
    expect(totals.EpisodeCount).toBe(30);
  });

  it('reads sessions (4K source, transcode facts), sends a message and stops playback', async () => {
    const member = [...fake.state.users.values()].find((u) => u.name.startsWith('member'))!;
    const started = fake.startPlayback({ user: member.id, fourK: true, transcode: 'video', client: 'Jellyfin Android', device: 'Pixel' });
    const sessionsApi = getSessionApi(api);
    const sessions = (await sessionsApi.getSessions({ activeWithinSeconds: 960 })).data;
    const session = sessions.find((s) => s.Id === started.id)!;
    expect(session.UserId).toBe(member.id);
    expect(session.UserName).toBe(member.name);
    expect(session.DeviceName).toBe('Pixel');
    expect(session.Client).toBe('Jellyfin Android');
    expect(session.RemoteEndPoint).toBe('203.0.113.10');
    expect(session.PlayState?.PlayMethod).toBe(PlayMethod.Transcode);
    expect(session.PlayState?.IsPaused).toBe(false);
    expect(session.TranscodingInfo?.IsVideoDirect).toBe(false);
    const video = session.NowPlayingItem?.MediaStreams?.find((m) => m.Type === 'Video');
    expect([video?.Width, video?.Height]).toEqual([3840, 2160]);
    expect(session.NowPlayingItem?.Type).toBe(BaseItemKind.Movie);

    await sessionsApi.sendMessageCommand({ sessionId: started.id, messageCommand: { Header: 'Usher', Text: 'Too many streams', TimeoutMs: 10_000 } });
    await sessionsApi.sendPlaystateCommand({ sessionId: started.id, command: PlaystateCommand.Stop });
    expect(fake.state.messages.at(-1)).toMatchObject({ sessionId: started.id, header: 'Usher', text: 'Too many streams', timeoutMs: 10_000, via: 'json' });
    expect(fake.state.commands.at(-1)).toMatchObject({ sessionId: started.id, command: 'Stop' });
    const afterStop = (await sessionsApi.getSessions({})).data.find((s) => s.Id === started.id);
    expect(afterStop?.NowPlayingItem).toBeUndefined();
  });

  it('lists and deletes devices, and reads download entries from the activity log', async () => {
    const member = [...fake.state.users.values()].find((u) => u.name.startsWith('member'))!;
    const session = fake.startPlayback({ user: member.id, device: 'Old tablet' });
    const item = fake.state.items.get(session.itemId!)!;
    fake.state.logDownload(member, item);
    const devices = getDeviceApi(api);
    const listed = (await devices.getDevices()).data;
    const tablet = listed.Items?.find((d) => d.Name === 'Old tablet');
    expect(tablet?.LastUserId).toBe(member.id);
    expect(tablet?.LastUserName).toBe(member.name);
    await devices.deleteDevice({ id: [tablet!.Id!] });
    expect((await devices.getDevices()).data.Items?.some((d) => d.Id === tablet!.Id)).toBe(false);

    const log = (await getSystemApi(api).getLogEntries({ startIndex: 0, limit: 100, hasUserId: true })).data;
    const download = log.Items?.find((e) => e.Type === 'UserDownloadingContent');
    expect(download?.UserId).toBe(member.id);
    expect(download?.ItemId).toBe(item.id);
    expect(download?.Date).toBeTruthy();
  });
});
