import { randomUUID } from 'node:crypto';
import { FakeHttpServer, empty, json, text, type FakeRequest, type FakeResponse, type FakeServerOptions } from '../core/fake-server.js';
import { DEFAULT_LIBRARIES, allocateGlobalSectionId, countFor, createLibrary, itemsPage, sectionDirectory, type PmsLibrary, type PmsLibrarySeed } from './pms-library.js';
import { PmsNotifications } from './pms-notifications.js';
import {
  createMediaItem,
  createSession,
  metadataJson,
  playingNotification,
  sessionJson,
  type PmsMediaItem,
  type PmsPlayState,
  type PmsSession,
  type StartSessionInput,
} from './pms-sessions.js';
import { addPmsControlRoutes } from './pms-control.js';
import { plexJsonToXml } from './xml.js';
import { html, randomHex, randomToken, tokenOf, wantsJson, xml } from './wire.js';

/** How a PMS learns about its owner on plex.tv (set when the server is registered with the plex.tv fake). */
export interface PmsAccountLink {
  isOwnerToken(token: string): boolean;
  ownerHasPlexPass(): boolean;
  machineIdChanged(oldId: string, newId: string): void;
}

export interface PlexMediaServerFakeOptions extends FakeServerOptions {
  name?: string;
  machineId?: string;
  version?: string;
  libraries?: PmsLibrarySeed[];
  /** Interval of the periodic `playing` frames (PMS: about 10 s). */
  playingIntervalMs?: number;
}

export interface PmsActivity {
  uuid: string;
  type: string;
  userID: number;
  title: string;
  subtitle: string;
  progress: number;
}

const UNAUTHORIZED_PAGE = '<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>';

/** A stateful Plex Media Server: identity, sections and counts, sessions, terminate, activities, websocket. */
export class PlexMediaServerFake {
  readonly http: FakeHttpServer;
  readonly notifications: PmsNotifications;
  name: string;
  machineId: string;
  version: string;
  /** The resource `accessToken` plex.tv hands out for this server; rotates with the machine id. */
  accessToken = randomToken();
  link: PmsAccountLink | null = null;
  readonly libraries: PmsLibrary[] = [];
  readonly sessions = new Map<string, PmsSession>();
  readonly activities = new Map<string, PmsActivity>();
  readonly terminations: { sessionId: string; reason: string }[] = [];
  private readonly items = new Map<string, PmsMediaItem>();
  private nextSectionKey = 1;
  private ticker: NodeJS.Timeout | null = null;
  private readonly playingIntervalMs: number;

  constructor(options: PlexMediaServerFakeOptions = {}) {
    this.http = new FakeHttpServer(`Plex Media Server${options.name ? ` ${options.name}` : ''}`, options.tls ? { tls: options.tls } : {});
    this.name = options.name ?? 'Plex Server';
    this.machineId = options.machineId ?? randomHex(40);
    this.version = options.version ?? '1.41.3.9314-a0bfb8370';
    this.playingIntervalMs = options.playingIntervalMs ?? 10_000;
    for (const seed of options.libraries ?? DEFAULT_LIBRARIES) this.addLibrary(seed);
    this.notifications = new PmsNotifications(this.http, (token) => token !== null && this.isAdmin(token));
    this.addRoutes();
    addPmsControlRoutes(this);
  }

  listen(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.http.listen(port, host);
  }

  get url(): string {
    return this.http.url;
  }

  async close(): Promise<void> {
    this.stopTicker();
    await this.http.close();
  }

  isAdmin(token: string): boolean {
    return token === this.accessToken || (this.link?.isOwnerToken(token) ?? false);
  }

  ownerHasPlexPass(): boolean {
    return this.link?.ownerHasPlexPass() ?? true;
  }

  addLibrary(seed: PmsLibrarySeed): PmsLibrary {
    const lib = createLibrary(String(this.nextSectionKey++), seed);
    this.libraries.push(lib);
    return lib;
  }

  removeLibrary(key: string): boolean {
    const i = this.libraries.findIndex((l) => l.key === key);
    if (i < 0) return false;
    this.libraries.splice(i, 1);
    return true;
  }

  /** A reinstalled server: new machine id, new resource token, new plex.tv section ids. */
  changeMachineId(newId = randomHex(40)): string {
    const old = this.machineId;
    this.machineId = newId;
    this.accessToken = randomToken();
    for (const lib of this.libraries) lib.globalId = allocateGlobalSectionId();
    this.link?.machineIdChanged(old, newId);
    return newId;
  }

  startSession(input: StartSessionInput): PmsSession {
    const sectionKey = input.librarySectionKey ?? this.defaultSectionFor(input.mediaType ?? 'movie', input.source4k ?? false);
    const item = createMediaItem(input, sectionKey);
    this.items.set(item.ratingKey, item);
    const session = createSession(input, item);
    this.sessions.set(session.sessionKey, session);
    this.notifications.send('playing', 'PlaySessionStateNotification', playingNotification(session, session.state));
    this.syncTicker();
    return session;
  }

  setSessionState(sessionKey: string, state: PmsPlayState): PmsSession | null {
    const s = this.sessions.get(sessionKey);
    if (!s) return null;
    s.state = state;
    this.notifications.send('playing', 'PlaySessionStateNotification', playingNotification(s, state));
    this.syncTicker();
    return s;
  }

  stopSession(sessionKey: string): boolean {
    const s = this.sessions.get(sessionKey);
    if (!s) return false;
    this.sessions.delete(sessionKey);
    this.notifications.send('playing', 'PlaySessionStateNotification', playingNotification(s, 'stopped'));
    this.syncTicker();
    return true;
  }

  startActivity(input: { userId: number; username: string; title?: string; progress?: number; type?: string }): PmsActivity {
    const activity: PmsActivity = {
      uuid: randomUUID(),
      type: input.type ?? 'media.download',
      userID: input.userId,
      title: `Media download by ${input.username}`,
      subtitle: input.title ?? 'Big Buck Bunny',
      progress: input.progress ?? 0,
    };
    this.activities.set(activity.uuid, activity);
    this.sendActivity('started', activity);
    return activity;
  }

  updateActivity(uuid: string, progress: number): PmsActivity | null {
    const a = this.activities.get(uuid);
    if (!a) return null;
    a.progress = progress;
    this.sendActivity('updated', a);
    return a;
  }

  endActivity(uuid: string): boolean {
    const a = this.activities.get(uuid);
    if (!a) return false;
    this.activities.delete(uuid);
    this.sendActivity('ended', a);
    return true;
  }

  private sendActivity(event: 'started' | 'updated' | 'ended', a: PmsActivity): void {
    this.notifications.send('activity', 'ActivityNotification', { event, uuid: a.uuid, Activity: activityJson(a) });
  }

  private defaultSectionFor(type: 'movie' | 'episode' | 'track', is4k: boolean): string {
    const wanted = type === 'episode' ? 'show' : type === 'track' ? 'artist' : 'movie';
    const candidates = this.libraries.filter((l) => l.type === wanted);
    const pick = candidates.find((l) => /4k/i.test(l.title) === is4k) ?? candidates[0] ?? this.libraries[0];
    return pick?.key ?? '1';
  }

  /** PMS repeats a `playing` frame about every 10 s for each playing session (and advances viewOffset). */
  private syncTicker(): void {
    const needed = [...this.sessions.values()].some((s) => s.state === 'playing');
    if (needed && !this.ticker) {
      this.ticker = setInterval(() => this.tick(), this.playingIntervalMs);
      this.ticker.unref();
    } else if (!needed) {
      this.stopTicker();
    }
  }

  private tick(): void {
    let playing = 0;
    for (const s of this.sessions.values()) {
      if (s.state !== 'playing') continue;
      playing++;
      s.viewOffset += this.playingIntervalMs;
      this.notifications.send('playing', 'PlaySessionStateNotification', playingNotification(s, 'playing'));
    }
    if (playing === 0) this.stopTicker();
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private sectionTitle(key: string): string {
    return this.libraries.find((l) => l.key === key)?.title ?? 'Library';
  }

  /** JSON with `Accept: application/json`, XML otherwise, like PMS. */
  private container(req: FakeRequest, container: Record<string, unknown>, headers: Record<string, string> = {}): FakeResponse {
    if (wantsJson(req)) return json(200, { MediaContainer: container }, headers);
    return xml(200, plexJsonToXml('MediaContainer', container), headers);
  }

  private admin(handler: (req: FakeRequest) => FakeResponse): (req: FakeRequest) => FakeResponse {
    return (req) => {
      const token = tokenOf(req);
      if (!token || !this.isAdmin(token)) return html(401, UNAUTHORIZED_PAGE);
      return handler(req);
    };
  }

  private addRoutes(): void {
    this.http.route('GET', '/identity', (req) =>
      this.container(req, { size: 0, apiVersion: '1.1.1', claimed: true, machineIdentifier: this.machineId, version: this.version }),
    );
    this.http.route(
      'GET',
      '/',
      this.admin((req) =>
        this.container(req, {
          size: 2,
          friendlyName: this.name,
          machineIdentifier: this.machineId,
          version: this.version,
          platform: 'Linux',
          myPlex: true,
          myPlexSubscription: this.ownerHasPlexPass(),
          transcoderActiveVideoSessions: [...this.sessions.values()].filter((s) => s.transcode).length,
          Directory: [
            { count: 1, key: 'library', title: 'library' },
            { count: 1, key: 'status', title: 'status' },
          ],
        }),
      ),
    );
    const sections = this.admin((req) =>
      this.container(req, { size: this.libraries.length, allowSync: false, title1: 'Plex Library', Directory: this.libraries.map(sectionDirectory) }),
    );
    this.http.route('GET', '/library/sections', sections);
    this.http.route('GET', '/library/sections/all', sections);
    this.http.route(
      'GET',
      '/library/sections/:key/all',
      this.admin((req) => {
        const lib = this.libraries.find((l) => l.key === req.params.key);
        if (!lib) return text(404, 'Not Found', 'text/html');
        const type = req.query.get('clusterZoomLevel') === '1' && lib.type === 'photo' ? '13' : req.query.get('type');
        const start = Number(req.query.get('X-Plex-Container-Start') ?? 0);
        const size = Number(req.query.get('X-Plex-Container-Size') ?? 50);
        const total = countFor(lib, type);
        const page = itemsPage(lib, type, start, size);
        const headers = { 'X-Plex-Container-Start': String(start), 'X-Plex-Container-Total-Size': String(total) };
        return this.container(
          req,
          { size: page.length, totalSize: total, offset: start, librarySectionID: Number(lib.key), librarySectionTitle: lib.title, ...(page.length ? { Metadata: page } : {}) },
          headers,
        );
      }),
    );
    this.http.route(
      'GET',
      '/library/metadata/:ratingKey',
      this.admin((req) => {
        const item = this.items.get(req.params.ratingKey!);
        if (!item) return text(404, 'Not Found', 'text/html');
        return this.container(req, { size: 1, Metadata: [metadataJson(item, this.sectionTitle(item.librarySectionKey))] });
      }),
    );
    this.http.route(
      'GET',
      '/status/sessions',
      this.admin((req) => {
        const list = [...this.sessions.values()].map((s) => sessionJson(s, this.sectionTitle(s.item.librarySectionKey)));
        return this.container(req, { size: list.length, ...(list.length ? { Metadata: list } : {}) });
      }),
    );
    // python-plexapi terminates with GET, the community spec documents POST: accept both.
    const terminate = this.admin((req) => {
      if (!this.ownerHasPlexPass()) return html(401, '<html><head><title>Unauthorized</title></head><body><h1>Server does not have the feature enabled</h1></body></html>');
      const sessionId = req.query.get('sessionId') ?? '';
      if (!sessionId) return html(403, '<html><body><h1>sessionId is empty</h1></body></html>');
      const session = [...this.sessions.values()].find((s) => s.sessionId === sessionId);
      if (!session) return html(404, '<html><body><h1>Session not found</h1></body></html>');
      this.terminations.push({ sessionId, reason: req.query.get('reason') ?? '' });
      this.stopSession(session.sessionKey);
      return empty(200);
    });
    this.http.route('GET', '/status/sessions/terminate', terminate);
    this.http.route('POST', '/status/sessions/terminate', terminate);
    this.http.route(
      'GET',
      '/activities',
      this.admin((req) => {
        const list = [...this.activities.values()].map(activityJson);
        return this.container(req, { size: list.length, ...(list.length ? { Activity: list } : {}) });
      }),
    );
  }
}

function activityJson(a: PmsActivity): Record<string, unknown> {
  return { uuid: a.uuid, type: a.type, cancellable: false, userID: a.userID, title: a.title, subtitle: a.subtitle, progress: a.progress, Context: {} };
}
