import { defaultConfiguration, defaultPolicy, minutesToTicks, newGuid, normalizeGuid } from './defaults.js';
import type {
  ActivityEntry,
  ConnectAccount,
  FakeDevice,
  FakeItem,
  FakeLibrary,
  FakeSession,
  FakeUser,
  Flavor,
  ItemType,
  ReceivedCommand,
  ReceivedMessage,
  ReceivedPolicy,
  SeedLibrary,
  SeedUser,
  StartPlaybackInput,
} from './types.js';

export type StateEvent = { type: 'sessions' } | { type: 'user_updated'; userId: string } | { type: 'user_deleted'; userId: string } | { type: 'activity' };

const LIBRARY_ITEM_TYPES: Record<string, ItemType[]> = {
  movies: ['Movie'],
  tvshows: ['Series', 'Episode'],
  music: ['MusicAlbum', 'Audio'],
  books: ['Book'],
  homevideos: ['Photo'],
  musicvideos: ['MusicVideo'],
  mixed: ['Movie'],
  boxsets: ['Movie'],
};

/**
 * The in-memory world of one Jellyfin or Emby server: users with their stored policy,
 * configuration and display preferences, libraries and items, playback sessions, devices, the
 * activity log, Emby Connect accounts, and a record of what clients sent (messages, playstate
 * commands, policy posts) so tests can inspect it.
 */
export class MediaBrowserState {
  readonly serverId = newGuid();
  readonly users = new Map<string, FakeUser>();
  readonly libraries = new Map<string, FakeLibrary>();
  readonly items = new Map<string, FakeItem>();
  readonly sessions = new Map<string, FakeSession>();
  readonly devices = new Map<string, FakeDevice>();
  readonly activity: ActivityEntry[] = [];
  readonly connectAccounts = new Map<string, ConnectAccount>();
  readonly messages: ReceivedMessage[] = [];
  readonly commands: ReceivedCommand[] = [];
  readonly policyPosts: ReceivedPolicy[] = [];
  /** Tokens that act as the server's admin API keys. */
  readonly apiKeys = new Set<string>();
  /** Tokens issued to individual users (non-admins get 403 on admin routes). */
  readonly userTokens = new Map<string, string>();
  private readonly listeners = new Set<(event: StateEvent) => void>();
  private numericId = 100_000;

  constructor(
    readonly flavor: Flavor,
    public serverName: string,
  ) {}

  on(listener: (event: StateEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: StateEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Emby items carry numeric ids; Jellyfin items GUIDs. */
  private itemId(): string {
    return this.flavor === 'emby' ? String(++this.numericId) : newGuid();
  }

  // ---- users ----

  findUser(idOrName: string): FakeUser | undefined {
    const byId = this.users.get(normalizeGuid(idOrName));
    if (byId) return byId;
    const lower = idOrName.toLowerCase();
    for (const user of this.users.values()) if (user.name.toLowerCase() === lower) return user;
    return undefined;
  }

  createUser(name: string, password = '', id = newGuid()): FakeUser {
    const user: FakeUser = {
      id: normalizeGuid(id),
      name,
      password,
      policy: defaultPolicy(this.flavor),
      configuration: defaultConfiguration(this.flavor),
      displayPreferences: new Map(),
      dateCreated: new Date().toISOString(),
      lastActivityDate: null,
      connectUserName: null,
    };
    this.users.set(user.id, user);
    return user;
  }

  deleteUser(user: FakeUser): void {
    this.users.delete(user.id);
    for (const [token, userId] of this.userTokens) if (userId === user.id) this.userTokens.delete(token);
    let changed = false;
    for (const session of this.sessions.values()) {
      if (session.userId === user.id) {
        this.sessions.delete(session.id);
        changed = true;
      }
    }
    this.emit({ type: 'user_deleted', userId: user.id });
    if (changed) this.emit({ type: 'sessions' });
  }

  seedUser(seed: SeedUser): FakeUser {
    const user = this.createUser(seed.name, seed.password ?? '', seed.id);
    const policy = user.policy;
    policy.IsAdministrator = seed.admin ?? false;
    policy.IsHidden = seed.hidden ?? !seed.admin;
    policy.IsDisabled = seed.disabled ?? false;
    if (seed.libraries) {
      policy.EnableAllFolders = false;
      policy.EnabledFolders = seed.libraries.map((l) => this.findLibrary(l)?.guid ?? l);
    }
    if (seed.allowDownloads !== undefined) policy.EnableContentDownloading = seed.allowDownloads;
    return user;
  }

  adminCount(exceptId?: string): number {
    let n = 0;
    for (const u of this.users.values()) if (u.id !== exceptId && u.policy.IsAdministrator === true) n++;
    return n;
  }

  // ---- libraries and items ----

  findLibrary(idOrName: string): FakeLibrary | undefined {
    const key = idOrName.toLowerCase();
    for (const lib of this.libraries.values()) {
      if (lib.id === idOrName || lib.guid === normalizeGuid(idOrName) || lib.name.toLowerCase() === key) return lib;
    }
    return undefined;
  }

  seedLibrary(seed: SeedLibrary): FakeLibrary {
    const id = this.itemId();
    const lib: FakeLibrary = {
      id,
      guid: this.flavor === 'emby' ? newGuid() : id,
      name: seed.name,
      collectionType: seed.collectionType,
      locations: [`/media/${seed.name.toLowerCase().replace(/\s+/g, '-')}`],
    };
    this.libraries.set(lib.id, lib);
    const counts = seed.items ?? {};
    let fourK = seed.fourK ?? 0;
    for (const [type, count] of Object.entries(counts) as [ItemType, number][]) {
      for (let i = 1; i <= count; i++) {
        const video = type === 'Movie' || type === 'Episode' || type === 'MusicVideo';
        const big = video && fourK > 0;
        if (big) fourK--;
        this.addItem(lib, {
          name: `${seed.name} ${type} ${i}`,
          type,
          ...(type === 'Episode' ? { seriesName: `${seed.name} Series ${1 + (i % 3)}`, seasonName: 'Season 1', indexNumber: i, parentIndexNumber: 1 } : {}),
          ...(video ? { width: big ? 3840 : 1920, height: big ? 2160 : 1080 } : {}),
          productionYear: 2000 + (i % 25),
        });
      }
    }
    return lib;
  }

  addItem(lib: FakeLibrary, item: Omit<FakeItem, 'id' | 'libraryId' | 'runTimeTicks'> & { runTimeTicks?: number }): FakeItem {
    const full: FakeItem = { runTimeTicks: minutesToTicks(item.type === 'Episode' ? 45 : 110), ...item, id: this.itemId(), libraryId: lib.id };
    this.items.set(full.id, full);
    return full;
  }

  /** Items under a library (ParentId), optionally of some types. */
  itemsIn(parentId: string | null, types: string[] | null): FakeItem[] {
    const lib = parentId ? this.findLibrary(parentId) : undefined;
    if (parentId && !lib) return [];
    const wanted = types?.map((t) => t.toLowerCase());
    const out: FakeItem[] = [];
    for (const item of this.items.values()) {
      if (lib && item.libraryId !== lib.id) continue;
      if (wanted && !wanted.includes(item.type.toLowerCase())) continue;
      out.push(item);
    }
    return out;
  }

  countByType(): Record<ItemType, number> {
    const counts = { Movie: 0, Series: 0, Season: 0, Episode: 0, MusicArtist: 0, MusicAlbum: 0, Audio: 0, Book: 0, Photo: 0, MusicVideo: 0 };
    for (const item of this.items.values()) counts[item.type]++;
    return counts;
  }

  libraryItemTypes(lib: FakeLibrary): ItemType[] {
    return LIBRARY_ITEM_TYPES[lib.collectionType] ?? ['Movie'];
  }

  // ---- sessions and devices ----

  startPlayback(input: StartPlaybackInput): FakeSession {
    const user = this.findUser(input.user);
    if (!user) throw new Error(`no user ${input.user}`);
    let item = input.item ? (this.items.get(input.item) ?? [...this.items.values()].find((i) => i.name === input.item)) : undefined;
    if (input.item && !item) throw new Error(`no item ${input.item}`);
    if (!item) {
      const lib = [...this.libraries.values()].find((l) => l.collectionType === 'movies') ?? this.seedLibrary({ name: 'Movies', collectionType: 'movies' });
      item = this.addItem(lib, { name: `Feature ${this.items.size + 1}`, type: 'Movie', width: input.fourK ? 3840 : 1920, height: input.fourK ? 2160 : 1080, productionYear: 2024 });
    } else if (input.fourK !== undefined && (item.type === 'Movie' || item.type === 'Episode')) {
      item.width = input.fourK ? 3840 : 1920;
      item.height = input.fourK ? 2160 : 1080;
    }
    const deviceName = input.device ?? `Device ${this.devices.size + 1}`;
    const device = this.touchDevice(user, deviceName, input.client ?? 'Jellyfin Web', input.ip ?? '203.0.113.10');
    const transcode = input.transcode === true ? 'video' : input.transcode === false || input.transcode === undefined ? 'none' : input.transcode;
    const session: FakeSession = {
      id: newGuid(),
      userId: user.id,
      deviceId: device.id,
      deviceName,
      client: device.appName,
      applicationVersion: device.appVersion,
      remoteEndPoint: device.ipAddress,
      itemId: item.id,
      paused: input.paused ?? false,
      transcode,
      positionTicks: 0,
      lastActivityDate: new Date().toISOString(),
    };
    this.sessions.set(session.id, session);
    user.lastActivityDate = session.lastActivityDate;
    this.emit({ type: 'sessions' });
    return session;
  }

  touchDevice(user: FakeUser, name: string, appName: string, ip: string): FakeDevice {
    const existing = [...this.devices.values()].find((d) => d.name === name && d.lastUserId === user.id);
    const now = new Date().toISOString();
    if (existing) {
      existing.dateLastActivity = now;
      return existing;
    }
    const device: FakeDevice = {
      id: newGuid(),
      internalId: ++this.numericId,
      name,
      appName,
      appVersion: '10.11.0',
      lastUserId: user.id,
      lastUserName: user.name,
      dateLastActivity: now,
      ipAddress: ip,
    };
    this.devices.set(device.id, device);
    return device;
  }

  setPaused(sessionId: string, paused: boolean): void {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    session.paused = paused;
    this.emit({ type: 'sessions' });
  }

  /** The player went away: the session disappears. */
  endSession(sessionId: string): boolean {
    const ok = this.sessions.delete(sessionId);
    if (ok) this.emit({ type: 'sessions' });
    return ok;
  }

  /** A Stop command: playback ends, the client stays connected (idle session). */
  stopPlayback(session: FakeSession): void {
    session.itemId = null;
    session.paused = false;
    session.transcode = 'none';
    this.emit({ type: 'sessions' });
  }

  deleteDevice(device: FakeDevice): void {
    this.devices.delete(device.id);
    let changed = false;
    for (const session of this.sessions.values()) {
      if (session.deviceId === device.id) {
        this.sessions.delete(session.id);
        changed = true;
      }
    }
    if (changed) this.emit({ type: 'sessions' });
  }

  // ---- activity ----

  /** Any other log line (playback, sign-ins…): the noise a busy server's log is mostly made of. */
  logEntry(entry: Omit<ActivityEntry, 'id' | 'date' | 'severity'> & { date?: string }): ActivityEntry {
    const full: ActivityEntry = { id: this.activity.length + 1, severity: 'Information', date: new Date().toISOString(), ...entry };
    this.activity.push(full);
    return full;
  }

  logDownload(user: FakeUser, item: FakeItem, client = 'Jellyfin Web', device = 'Browser'): ActivityEntry {
    const entry: ActivityEntry = {
      id: this.activity.length + 1,
      name: `${user.name} is downloading ${item.name}`,
      shortOverview: `App: ${client}, Device: ${device}`,
      type: 'UserDownloadingContent',
      // Emby 3.x logs downloads without the item id (integrations.md §9.4).
      ...(this.flavor === 'jellyfin' ? { itemId: item.id } : {}),
      date: new Date().toISOString(),
      userId: user.id,
      severity: 'Information',
    };
    this.activity.push(entry);
    this.emit({ type: 'activity' });
    return entry;
  }
}
