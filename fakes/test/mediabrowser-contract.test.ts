import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed, startEmbyFake, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../src/index.js';
import { loadContract, type Contract } from './support/openapi.js';

interface Call {
  /** Path as the OpenAPI document writes it. */
  doc: string;
  method: 'GET' | 'POST';
  /** Real request path. */
  path: (f: MediaBrowserFake) => string;
  body?: (f: MediaBrowserFake) => unknown;
  /** Emby routes the 4.8 document omits but live clients use: checked against this component. */
  schemaOnly?: string;
  arrayOf?: boolean;
}

const templateId = (f: MediaBrowserFake) => f.state.findUser(TEMPLATE_USER_NAME)!.id;
const memberId = (f: MediaBrowserFake) => [...f.state.users.values()].find((u) => u.policy.IsAdministrator !== true && u.name !== TEMPLATE_USER_NAME)!.id;
// The window and paging the adapter's listDownloads sends (500 a page, to the end of the window).
const since = encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString());
const firstLibrary = (f: MediaBrowserFake) => [...f.state.libraries.values()][0]!;

// Every endpoint Usher's MediaBrowser adapter reads a JSON answer from, with the query it sends:
// identity, users (list, template and a member), library folders, items (counts and pages),
// display preferences, sessions, devices, and the activity log (first and a later page).
const jellyfinCalls: Call[] = [
  { doc: '/System/Info', method: 'GET', path: () => '/System/Info' },
  { doc: '/System/Info/Public', method: 'GET', path: () => '/System/Info/Public' },
  { doc: '/Users', method: 'GET', path: () => '/Users' },
  { doc: '/Users/{userId}', method: 'GET', path: (f) => `/Users/${templateId(f)}` },
  { doc: '/Users/{userId}', method: 'GET', path: (f) => `/Users/${memberId(f)}` },
  { doc: '/Users/New', method: 'POST', path: () => '/Users/New', body: () => ({ Name: `new-${Date.now()}`, Password: 'secret-pw' }) },
  { doc: '/DisplayPreferences/{displayPreferencesId}', method: 'GET', path: (f) => `/DisplayPreferences/usersettings?userId=${templateId(f)}&client=emby` },
  { doc: '/Library/VirtualFolders', method: 'GET', path: () => '/Library/VirtualFolders' },
  { doc: '/Library/MediaFolders', method: 'GET', path: () => '/Library/MediaFolders' },
  { doc: '/Items', method: 'GET', path: (f) => `/Items?ParentId=${firstLibrary(f).id}&Recursive=true&IncludeItemTypes=Movie&Limit=0` },
  { doc: '/Items', method: 'GET', path: (f) => `/Items?ParentId=${firstLibrary(f).id}&Recursive=true&Limit=5` },
  { doc: '/Items/Counts', method: 'GET', path: () => '/Items/Counts' },
  { doc: '/Sessions', method: 'GET', path: () => '/Sessions?activeWithinSeconds=960' },
  { doc: '/Devices', method: 'GET', path: () => '/Devices' },
  { doc: '/System/ActivityLog/Entries', method: 'GET', path: () => '/System/ActivityLog/Entries?startIndex=0&limit=100&hasUserId=true' },
  { doc: '/System/ActivityLog/Entries', method: 'GET', path: () => `/System/ActivityLog/Entries?startIndex=0&limit=500&minDate=${since}&hasUserId=true` },
  { doc: '/System/ActivityLog/Entries', method: 'GET', path: () => `/System/ActivityLog/Entries?startIndex=500&limit=500&minDate=${since}&hasUserId=true` },
];

const embyCalls: Call[] = [
  { doc: '/System/Info', method: 'GET', path: () => '/emby/System/Info' },
  { doc: '/System/Info/Public', method: 'GET', path: () => '/emby/System/Info/Public' },
  { doc: '/Users/Query', method: 'GET', path: () => '/emby/Users/Query' },
  { doc: '/Users', method: 'GET', path: () => '/emby/Users', schemaOnly: 'UserDto', arrayOf: true },
  { doc: '/Users/{Id}', method: 'GET', path: (f) => `/emby/Users/${templateId(f)}` },
  { doc: '/Users/{Id}', method: 'GET', path: (f) => `/emby/Users/${memberId(f)}` },
  { doc: '/Users/New', method: 'POST', path: () => '/emby/Users/New', body: (f) => ({ Name: `new-${Date.now()}`, CopyFromUserId: templateId(f), UserCopyOptions: ['UserPolicy', 'UserConfiguration'] }) },
  { doc: '/DisplayPreferences/{Id}', method: 'GET', path: (f) => `/emby/DisplayPreferences/usersettings?UserId=${templateId(f)}&Client=emby` },
  { doc: '/Library/VirtualFolders/Query', method: 'GET', path: () => '/emby/Library/VirtualFolders/Query' },
  { doc: '/Library/MediaFolders', method: 'GET', path: () => '/emby/Library/MediaFolders?IsHidden=false' },
  { doc: '/Library/SelectableMediaFolders', method: 'GET', path: () => '/emby/Library/SelectableMediaFolders' },
  { doc: '/Items', method: 'GET', path: (f) => `/emby/Items?ParentId=${firstLibrary(f).id}&Recursive=true&IncludeItemTypes=Movie&Limit=0` },
  { doc: '/Items/Counts', method: 'GET', path: () => '/emby/Items/Counts' },
  { doc: '/Sessions', method: 'GET', path: () => '/emby/Sessions' },
  { doc: '/Devices', method: 'GET', path: () => '/emby/Devices' },
  { doc: '/System/ActivityLog/Entries', method: 'GET', path: () => '/emby/System/ActivityLog/Entries?StartIndex=0&Limit=100' },
  { doc: '/System/ActivityLog/Entries', method: 'GET', path: () => `/emby/System/ActivityLog/Entries?startIndex=0&limit=500&minDate=${since}&hasUserId=true` },
  { doc: '/System/ActivityLog/Entries', method: 'GET', path: () => `/emby/System/ActivityLog/Entries?startIndex=500&limit=500&minDate=${since}&hasUserId=true` },
  { doc: '/Users/{Id}/Connect/Link', method: 'POST', path: (f) => `/emby/Users/${templateId(f)}/Connect/Link?ConnectUsername=alice%40example.com` },
];

function headersFor(f: MediaBrowserFake): Record<string, string> {
  return f.flavor === 'jellyfin' ? { authorization: `MediaBrowser Client="Usher", Device="test", DeviceId="t1", Version="1", Token="${f.apiKey}"` } : { 'x-emby-token': f.apiKey };
}

async function call(f: MediaBrowserFake, c: Call): Promise<unknown> {
  const body = c.body?.(f);
  const res = await fetch(f.url + c.path(f), {
    method: c.method,
    headers: { ...headersFor(f), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status, `${c.method} ${c.path(f)}`).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return res.json();
}

function seedPlayback(f: MediaBrowserFake): void {
  const [a, b, c] = [...f.state.users.values()].filter((u) => u.policy.IsAdministrator !== true && u.name !== TEMPLATE_USER_NAME);
  f.startPlayback({ user: a!.id, fourK: true, transcode: 'video', client: 'Android TV', device: 'Living room' });
  f.startPlayback({ user: b!.id, transcode: 'audio', paused: true });
  f.startPlayback({ user: c!.id });
  const episode = [...f.state.items.values()].find((i) => i.type === 'Episode')!;
  f.startPlayback({ user: c!.id, item: episode.id, device: 'Phone' });
  f.state.logDownload(a!, episode);
  // Enough log lines for a second page of the adapter's paging.
  for (let i = 0; i < 600; i++) f.state.logEntry({ name: `${b!.name} is playing ${episode.name}`, shortOverview: 'App: Web', type: 'VideoPlayback', userId: b!.id });
}

for (const [flavor, file, calls] of [
  ['jellyfin', 'jellyfin.openapi.json', jellyfinCalls],
  ['emby', 'emby.openapi.json', embyCalls],
] as const) {
  describe(`${flavor} fake against ${file}`, () => {
    let fake: MediaBrowserFake;
    let contract: Contract;
    beforeAll(async () => {
      contract = loadContract(file);
      fake = await (flavor === 'jellyfin' ? startJellyfinFake : startEmbyFake)({ connectAccounts: [{ name: 'alice', email: 'alice@example.com', state: 'active' }] });
      fake.seed(demoSeed({ users: 5 }));
      seedPlayback(fake);
    });
    afterAll(() => fake.close());

    for (const c of calls) {
      it(`${c.method} ${c.doc} answers what the document describes`, async () => {
        const body = await call(fake, c);
        if (c.schemaOnly) {
          expect(Array.isArray(body)).toBe(c.arrayOf === true);
          for (const entry of body as unknown[]) contract.validateSchema(c.schemaOnly, entry);
        } else contract.validateResponse(c.doc, c.method, body);
      });
    }

    it('the activity log pages: the second page holds the rest of the window', async () => {
      const [first, second] = (await Promise.all(
        calls.filter((c) => c.doc === '/System/ActivityLog/Entries' && c.path(fake).includes('minDate')).map((c) => call(fake, c)),
      )) as { Items: unknown[]; TotalRecordCount: number }[];
      expect(first!.Items).toHaveLength(500);
      expect(second!.Items.length).toBe(first!.TotalRecordCount - 500);
      expect(second!.Items.length).toBeGreaterThan(0);
    });

    if (flavor === 'emby') {
      it('GET /Plugins/SecurityInfo (undocumented in 4.8; Emby Premiere) answers the fields the adapter reads', async () => {
        const body = (await call(fake, { doc: '', method: 'GET', path: () => '/emby/Plugins/SecurityInfo' })) as Record<string, unknown>;
        expect(typeof body.IsMBSupporter).toBe('boolean');
        expect(typeof body.SupporterKey).toBe('string');
      });
    }

    it('the check has teeth: a misspelt or mistyped field fails it', () => {
      const user = fake.state.findUser(TEMPLATE_USER_NAME)!;
      const good = { Id: user.id, Name: user.name, HasPassword: false, Policy: user.policy };
      expect(() => contract.validateSchema('UserDto', good)).not.toThrow();
      expect(() => contract.validateSchema('UserDto', { ...good, HasPassword: 'no' })).toThrow(/HasPassword/);
      if (flavor === 'jellyfin') expect(() => contract.validateSchema('UserDto', { ...good, HasPasword: false })).toThrow(/additional/);
    });

    it('writes GUIDs without dashes and omits nulls', async () => {
      const users = (await call(fake, { doc: '', method: 'GET', path: () => (flavor === 'emby' ? '/emby/Users' : '/Users') })) as { Id: string }[];
      for (const u of users) expect(u.Id).toMatch(/^[0-9a-f]{32}$/);
      const sessions = JSON.stringify(await call(fake, { doc: '', method: 'GET', path: () => '/Sessions' }));
      expect(sessions).not.toContain('null');
    });

    it('sessions carry the 4K source stream, the play method and the transcoding facts', async () => {
      const sessions = (await call(fake, { doc: '', method: 'GET', path: () => '/Sessions' })) as {
        NowPlayingItem?: { MediaStreams?: { Type: string; Width?: number; Height?: number }[] };
        PlayState: { PlayMethod?: string; IsPaused: boolean };
        TranscodingInfo?: { IsVideoDirect: boolean };
      }[];
      const fourK = sessions.find((s) => s.NowPlayingItem?.MediaStreams?.some((m) => m.Type === 'Video' && m.Width === 3840));
      expect(fourK?.PlayState.PlayMethod).toBe('Transcode');
      expect(fourK?.TranscodingInfo?.IsVideoDirect).toBe(false);
      const audioOnly = sessions.find((s) => s.TranscodingInfo?.IsVideoDirect === true);
      expect(audioOnly?.PlayState).toMatchObject({ PlayMethod: 'Transcode', IsPaused: true });
      expect(sessions.filter((s) => s.PlayState.PlayMethod === 'DirectPlay')).toHaveLength(2);
    });

    it('validation failures and refused calls have the documented shapes', async () => {
      const user = [...fake.state.users.values()].find((u) => u.name !== 'admin')!;
      const res = await fetch(`${fake.url}/Users/${user.id}/Policy`, {
        method: 'POST',
        headers: { ...headersFor(fake), 'content-type': 'application/json' },
        body: JSON.stringify({ IsAdministrator: false }),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await res.json()) as { errors: Record<string, string[]> };
      expect(Object.keys(problem.errors)).toContain('AuthenticationProviderId');
      if (flavor === 'jellyfin') {
        contract.validateResponse('/Users/{userId}/Policy', 'POST', problem, 400);
        expect(Object.keys(problem.errors)).toContain('PasswordResetProviderId');
      }
      const anonymous = await fetch(`${fake.url}/Users`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.text()).toBe('');
    });
  });
}
