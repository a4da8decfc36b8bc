import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPlexFakes, type PlexFakes, type PlexMediaServerFake } from '../../../fakes/src/index.js';
import type { MediaServerEvent } from '../../src/ports/media-server.js';
import { delay, failure, PlexHarness, until } from './support/plex.js';

/** PlexServerAdapter sessions, terminate, item counts and the notifications websocket, against the fakes. */
describe('PlexServerAdapter: sessions, terminate, counts, events', () => {
  let fakes: PlexFakes;
  let pms: PlexMediaServerFake;
  let h: PlexHarness;
  const pmsCount = (route: string): number => pms.http.requestCounts()[route] ?? 0;

  beforeAll(async () => {
    fakes = await startPlexFakes({ servers: 1, usersPerServer: 4, playingIntervalMs: 100 });
    pms = fakes.servers[0]!;
    h = new PlexHarness(fakes);
  });
  beforeEach(() => {
    pms.http.resetCounts();
    pms.http.clearFaults();
    for (const key of [...pms.sessions.keys()]) pms.stopSession(key);
    fakes.plexTv.state.setPlexPass(fakes.owner.id, true);
  });
  afterEach(() => h.closeAll());
  afterAll(() => fakes.close());

  describe('listSessions()', () => {
    it('maps user, player, state, transcode and the source 4K rule (metadata read only while transcoding)', async () => {
      const [a, b, c, d] = fakes.members[0]!;
      const direct4k = fakes.startSession(pms, a!, { source4k: true, transcode: false, player: 'Shield', ip: '198.51.100.7' });
      const transcode4k = fakes.startSession(pms, b!, { source4k: true, transcode: true, state: 'paused' });
      const transcodeHd = fakes.startSession(pms, c!, { source4k: false, transcode: true });
      const episode = fakes.startSession(pms, d!, { mediaType: 'episode', state: 'buffering' });
      const sessions = await h.adapter(pms).listSessions();
      const byId = new Map(sessions.map((s) => [s.sessionId, s]));
      expect(byId.get(direct4k.sessionId)).toMatchObject({
        accountRemoteId: String(a!.id),
        username: a!.username,
        device: 'Shield',
        ip: '198.51.100.7',
        state: 'playing',
        videoTranscode: false,
        source4k: true,
        media: { title: 'Big Buck Bunny', type: 'movie', grandparentTitle: null },
      });
      // The transcoded stream's Media says 720p; the file is 4K.
      expect(byId.get(transcode4k.sessionId)).toMatchObject({ state: 'paused', videoTranscode: true, source4k: true });
      expect(byId.get(transcodeHd.sessionId)).toMatchObject({ videoTranscode: true, source4k: false });
      expect(byId.get(episode.sessionId)).toMatchObject({ state: 'buffering', media: { type: 'episode', grandparentTitle: 'Example Show' } });
      expect(pmsCount('GET /library/metadata/:ratingKey')).toBe(2);
    });

    it('retries a 503; a failing metadata read only loses the 4K fact of that stream', async () => {
      fakes.startSession(pms, fakes.members[0]![0]!, { source4k: true, transcode: true });
      pms.http.fail('GET /status/sessions', 1, 503);
      pms.http.fail('GET /library/metadata/:ratingKey', 1, 404);
      const sessions = await h.adapter(pms).listSessions();
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ videoTranscode: true, source4k: false });
      expect(pmsCount('GET /status/sessions')).toBe(2);
    });

    it('returns nothing when nothing plays; a refused token is plex_token_invalid', async () => {
      expect(await h.adapter(pms).listSessions()).toEqual([]);
      expect(await failure(h.adapter(pms, { token: 'stale' }).listSessions())).toMatchObject({ reason: 'plex_token_invalid' });
    });
  });

  describe('stopSession()', () => {
    it('terminates with the reason shown to the viewer; an already-ended session is not an error', async () => {
      const s = fakes.startSession(pms, fakes.members[0]![0]!, {});
      const a = h.adapter(pms);
      await a.stopSession(s.sessionId, 'Your plan allows one stream at a time.');
      expect(pms.terminations.at(-1)).toEqual({ sessionId: s.sessionId, reason: 'Your plan allows one stream at a time.' });
      expect(pms.sessions.has(s.sessionKey)).toBe(false);
      await a.stopSession(s.sessionId, 'again');
      expect(pmsCount('GET /status/sessions/terminate')).toBe(2);
    });

    it('retries a 503 on terminate (a GET) and then stops the stream', async () => {
      const s = fakes.startSession(pms, fakes.members[0]![1]!, {});
      pms.http.fail('GET /status/sessions/terminate', 1, 503);
      await h.adapter(pms).stopSession(s.sessionId, 'bye');
      expect(pmsCount('GET /status/sessions/terminate')).toBe(2);
      expect(pms.sessions.has(s.sessionKey)).toBe(false);
    });

    it('without Plex Pass PMS answers 401 and the error is plex_pass_required; afterwards it is refused locally', async () => {
      const s = fakes.startSession(pms, fakes.members[0]![2]!, {});
      fakes.plexTv.state.setPlexPass(fakes.owner.id, false);
      const a = h.adapter(pms, { hasPlexPass: true });
      const error = await failure(a.stopSession(s.sessionId, 'bye'));
      expect(error).toMatchObject({ reason: 'plex_pass_required', retryable: false });
      expect(error.fix).toMatch(/Plex Pass/);
      expect(pms.sessions.has(s.sessionKey)).toBe(true);
      expect(pmsCount('GET /status/sessions/terminate')).toBe(1);
      const detected = h.adapter(pms);
      await detected.identity();
      expect(detected.capabilities.stopSessions).toBe(false);
      expect(await failure(detected.stopSession(s.sessionId, 'bye'))).toMatchObject({ reason: 'plex_pass_required' });
      expect(pmsCount('GET /status/sessions/terminate')).toBe(1);
    });
  });

  describe('libraryStats()', () => {
    it('counts items per library with zero-size pages (episodes, albums, tracks too); a 503 is retried', async () => {
      pms.http.fail('GET /library/sections/:key/all', 1, 503);
      const stats = await h.adapter(pms).libraryStats();
      const byId = new Map(stats.map((s) => [s.remoteId, s]));
      for (const lib of pms.libraries) {
        const s = byId.get(String(lib.globalId))!;
        expect(s.items).toBe(lib.items);
        if (lib.type === 'show') expect(s.episodes).toBe(lib.episodes);
        if (lib.type === 'artist') expect(s).toMatchObject({ albums: lib.albums, tracks: lib.tracks });
      }
      // movie 1 + show 2 + artist 3 + movie 1 calls, plus the retried one.
      expect(pmsCount('GET /library/sections/:key/all')).toBe(8);
    });

    it('fails clearly when plex.tv does not know the server any more', async () => {
      fakes.plexTv.http.fail('GET /api/servers/:machineId', 1, 404);
      expect(await failure(h.adapter(pms).libraryStats())).toMatchObject({ reason: 'plex_machine_id_changed' });
    });
  });

  describe('subscribeEvents()', () => {
    it('turns playing frames into sessions_changed on start, pause and stop only', async () => {
      const events: MediaServerEvent[] = [];
      const sub = h.adapter(pms).subscribeEvents((e) => events.push(e));
      try {
        await until(() => events.some((e) => e.type === 'connection' && e.state === 'open'));
        const changes = () => events.filter((e) => e.type === 'sessions_changed').length;
        const s = fakes.startSession(pms, fakes.members[0]![0]!, {});
        await until(() => changes() === 1);
        // PMS repeats a playing frame every interval (100 ms here); repeats are not changes.
        await delay(350);
        expect(changes()).toBe(1);
        pms.setSessionState(s.sessionKey, 'paused');
        await until(() => changes() === 2);
        pms.stopSession(s.sessionKey);
        await until(() => changes() === 3);
      } finally {
        await sub.close();
      }
    });

    it('reconnects after the server drops the socket', async () => {
      const events: MediaServerEvent[] = [];
      const sub = h.adapter(pms).subscribeEvents((e) => events.push(e));
      try {
        const opens = () => events.filter((e) => e.type === 'connection' && e.state === 'open').length;
        await until(() => opens() === 1);
        const before = pms.notifications.connections;
        pms.notifications.dropAll();
        await until(() => events.some((e) => e.type === 'connection' && e.state === 'closed'));
        await until(() => opens() === 2);
        expect(pms.notifications.connections).toBe(before + 1);
        fakes.startSession(pms, fakes.members[0]![1]!, {});
        await until(() => events.some((e) => e.type === 'sessions_changed'));
      } finally {
        await sub.close();
      }
    });

    it('with a refused token never opens, keeps retrying with backoff, and stops when closed', async () => {
      const events: MediaServerEvent[] = [];
      const before = pms.notifications.connections;
      const refusedBefore = pms.notifications.refusals;
      const sub = h.adapter(pms, { token: 'refused' }).subscribeEvents((e) => events.push(e));
      await until(() => pms.notifications.refusals >= refusedBefore + 3);
      await sub.close();
      const refused = pms.notifications.refusals;
      await delay(300);
      expect(pms.notifications.refusals).toBe(refused);
      expect(events).toEqual([]);
      expect(pms.notifications.connections).toBe(before);
    });
  });
});
