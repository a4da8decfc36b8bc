import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes, type PlexMediaServerFake } from '../src/index.js';
import { PlexContract } from './support/plex-openapi.js';
import { xmlAsJson } from './support/xml-as-json.js';

/**
 * The fake PMS answers every endpoint Usher's Plex adapter reads with JSON the community OpenAPI
 * document accepts, and so do the three plex.tv endpoints that document covers.
 */
describe('Plex fakes against the community OpenAPI document', () => {
  const contract = new PlexContract();
  let fakes: PlexFakes;
  let pms: PlexMediaServerFake;
  let token: string;

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 3, homeUsers: 1 });
    pms = fakes.servers[0]!;
    token = fakes.owner.token!;
    // One of each kind of session the adapter must read: direct play, 4K transcode, episode, track.
    const [a, b, c] = fakes.members[0]!;
    fakes.startSession(pms, a!, { mediaType: 'movie', source4k: false, transcode: false });
    fakes.startSession(pms, b!, { mediaType: 'movie', source4k: true, transcode: true, state: 'paused' });
    fakes.startSession(pms, c!, { mediaType: 'episode', transcode: true, local: true });
    fakes.startSession(pms, a!, { mediaType: 'track' });
    pms.startActivity({ userId: a!.id, username: a!.username!, progress: 42 });
  });
  afterAll(() => fakes.close());

  const pmsGet = async (path: string): Promise<{ status: number; body: unknown; headers: Headers }> => {
    const res = await fetch(`${pms.url}${path}`, { headers: { Accept: 'application/json', 'X-Plex-Token': token } });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  const plexTv = async (path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${fakes.plexTvUrl}${path}`, {
      ...init,
      headers: { Accept: 'application/json', 'X-Plex-Client-Identifier': 'contract-test', 'X-Plex-Product': 'Usher', 'X-Plex-Token': token, ...(init.headers as Record<string, string>) },
    });
    return { status: res.status, body: await res.json() };
  };

  it('GET /identity', async () => {
    const { status, body } = await pmsGet('/identity');
    expect(status).toBe(200);
    contract.validateResponse('/identity', 'get', body);
  });

  it('GET / (server info)', async () => {
    const { body } = await pmsGet('/');
    contract.validateResponse('/', 'get', body);
  });

  it('GET /library/sections and /library/sections/all', async () => {
    for (const path of ['/library/sections', '/library/sections/all']) {
      const { body } = await pmsGet(path);
      contract.validateResponse('/library/sections/all', 'get', body);
      expect((body as { MediaContainer: { Directory: unknown[] } }).MediaContainer.Directory).toHaveLength(pms.libraries.length);
    }
  });

  it('GET /library/sections/{key}/all with a zero-size page (item counts)', async () => {
    for (const lib of pms.libraries) {
      for (const type of ['', '&type=4', '&type=9', '&type=10']) {
        const { body, headers } = await pmsGet(`/library/sections/${lib.key}/all?X-Plex-Container-Start=0&X-Plex-Container-Size=0${type}`);
        contract.validateResponse('/library/sections/{sectionId}/all', 'get', body);
        const mc = (body as { MediaContainer: { totalSize: number; size: number } }).MediaContainer;
        expect(mc.size).toBe(0);
        expect(headers.get('x-plex-container-total-size')).toBe(String(mc.totalSize));
      }
    }
    const { body } = await pmsGet(`/library/sections/1/all?X-Plex-Container-Start=0&X-Plex-Container-Size=3`);
    contract.validateResponse('/library/sections/{sectionId}/all', 'get', body);
  });

  it('GET /status/sessions, and each TranscodeSession', async () => {
    const { body } = await pmsGet('/status/sessions');
    contract.validateResponse('/status/sessions', 'get', body);
    const items = (body as { MediaContainer: { Metadata: Record<string, unknown>[] } }).MediaContainer.Metadata;
    expect(items).toHaveLength(4);
    const transcodes = items.filter((m) => m.TranscodeSession);
    expect(transcodes).toHaveLength(2);
    for (const m of transcodes) contract.validateComponent('TranscodeSession', m.TranscodeSession);
  });

  it('GET /status/sessions with nothing playing', async () => {
    const empty = await startPlexFakes({ servers: 1 });
    try {
      const res = await fetch(`${empty.servers[0]!.url}/status/sessions`, { headers: { Accept: 'application/json', 'X-Plex-Token': empty.owner.token! } });
      contract.validateResponse('/status/sessions', 'get', await res.json());
    } finally {
      await empty.close();
    }
  });

  it('GET /library/metadata/{ratingKey} for every playing item', async () => {
    for (const s of pms.sessions.values()) {
      const { body } = await pmsGet(`/library/metadata/${s.item.ratingKey}`);
      contract.validateResponse('/library/metadata/{ids}', 'get', body);
    }
  });

  it('GET /activities with a media.download', async () => {
    const { body } = await pmsGet('/activities');
    contract.validateResponse('/activities', 'get', body);
  });

  it('plex.tv GET /api/v2/user, with and without Plex Pass', async () => {
    contract.validateResponse('/user', 'get', (await plexTv('/api/v2/user')).body);
    const member = fakes.members[0]![0]!;
    contract.validateResponse('/user', 'get', (await plexTv('/api/v2/user', { headers: { 'X-Plex-Token': member.token! } })).body);
  });

  it('plex.tv GET /api/v2/resources', async () => {
    const { body } = await plexTv('/api/v2/resources?includeHttps=1&includeRelay=1&includeIPv6=1');
    contract.validateResponse('/resources', 'get', body);
    expect(body).toHaveLength(1);
  });

  it('plex.tv GET /api/users (XML, as the adapter asks for it) carries what the document describes', async () => {
    const res = await fetch(`${fakes.plexTvUrl}/api/users`, { headers: { Accept: 'application/xml', 'X-Plex-Token': token } });
    expect(res.status).toBe(200);
    const body = xmlAsJson(await res.text());
    // XML has no empty list: a user with no shares has no <Server> child, where JSON says `Server: []`.
    for (const user of (body.MediaContainer as { User: Record<string, unknown>[] }).User) user.Server ??= [];
    contract.validateResponse('/users', 'get', body);
    expect((body.MediaContainer as { User: unknown[] }).User.length).toBeGreaterThan(0);
  });

  it('plex.tv POST /api/v2/users/signin', async () => {
    const { status, body } = await plexTv('/api/v2/users/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'X-Plex-Token': '' },
      body: new URLSearchParams({ login: 'owner', password: 'owner-password', rememberMe: 'true' }).toString(),
    });
    expect(status).toBe(201);
    contract.validateResponse('/users/signin', 'post', body, 201);
  });

  it('the validator rejects a wrong shape (so the checks above mean something)', () => {
    expect(() => contract.validateResponse('/identity', 'get', { MediaContainer: { claimed: 'yes' } })).toThrow(/claimed/);
    expect(() => contract.validateComponent('TranscodeSession', { progress: 140 })).toThrow(/progress/);
  });
});
