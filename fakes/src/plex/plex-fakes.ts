import { empty, json } from '../core/fake-server.js';
import { DEFAULT_LIBRARIES, type PmsLibrarySeed } from './pms-library.js';
import { PlexMediaServerFake } from './pms-fake.js';
import { sessionView } from './pms-control.js';
import type { PmsPlayState, StartSessionInput } from './pms-sessions.js';
import { PlexTvFake } from './plex-tv-fake.js';
import type { AccountSeed, FakePlexAccount } from './plex-tv-types.js';
import { bodyObject } from './wire.js';

export interface StartPlexFakesOptions {
  /** Plex Media Servers owned by the one seeded account. */
  servers?: number;
  /** Existing members per server, each a distinct plex.tv account with an accepted share. */
  usersPerServer?: number;
  /** Invites per server still waiting to be accepted. */
  pendingInvitesPerServer?: number;
  /** Managed users in the owner's Plex Home. */
  homeUsers?: number;
  libraries?: PmsLibrarySeed[];
  /** The owner's Plex Pass (terminate needs it). */
  plexPass?: boolean;
  maxUsersPerServer?: number;
  owner?: AccountSeed;
  serverNames?: string[];
  /** 0 (default) = ephemeral; fixed ports for the demo. */
  plexTvPort?: number;
  /** Port of the first PMS; the next ones count up. 0 (default) = ephemeral. */
  pmsBasePort?: number;
  host?: string;
  playingIntervalMs?: number;
  pinTtlSeconds?: number;
}

/** plex.tv plus N Plex Media Servers of one owner, linked so tokens, Plex Pass and machine ids agree. */
export class PlexFakes {
  readonly servers: PlexMediaServerFake[] = [];
  /** Members seeded per server (index = server index). */
  readonly members: FakePlexAccount[][] = [];

  constructor(
    readonly plexTv: PlexTvFake,
    readonly owner: FakePlexAccount,
    private readonly defaults: { host: string; playingIntervalMs?: number; libraries: PmsLibrarySeed[] },
  ) {
    this.addControlRoutes();
  }

  get plexTvUrl(): string {
    return this.plexTv.url;
  }

  server(machineId: string): PlexMediaServerFake | undefined {
    return this.servers.find((s) => s.machineId === machineId);
  }

  async addServer(options: { name?: string; libraries?: PmsLibrarySeed[]; port?: number; ownerId?: number } = {}): Promise<PlexMediaServerFake> {
    const pms = new PlexMediaServerFake({
      name: options.name ?? `Plex Server ${this.servers.length + 1}`,
      libraries: options.libraries ?? this.defaults.libraries,
      ...(this.defaults.playingIntervalMs !== undefined ? { playingIntervalMs: this.defaults.playingIntervalMs } : {}),
    });
    // Registered before listening so concurrent starts keep the servers in the order asked for.
    this.servers.push(pms);
    this.members.push([]);
    this.plexTv.state.registerServer(pms, options.ownerId ?? this.owner.id);
    await pms.listen(options.port ?? 0, this.defaults.host);
    return pms;
  }

  /** Seeds `count` new accounts with an accepted share of the server's non-4K libraries. */
  seedMembers(pms: PlexMediaServerFake, count: number, pending = 0): FakePlexAccount[] {
    const index = this.servers.indexOf(pms);
    const state = this.plexTv.state;
    const sections = pms.libraries.filter((l) => !/4k/i.test(l.title)).map((l) => l.globalId);
    const out: FakePlexAccount[] = [];
    for (let j = 0; j < count + pending; j++) {
      const username = `member${index + 1}x${this.members[index]!.length + j + 1}`;
      const account = state.addAccount({ username, email: `${username}@example.com`, password: 'password' });
      if (j < count) state.seedShare(this.owner, pms.machineId, account, sections, { allowSync: j % 3 === 0 });
      else state.invite(this.owner, { machineId: pms.machineId, invitedId: account.id, sectionIds: sections });
      out.push(account);
    }
    this.members[index]!.push(...out);
    return out;
  }

  /** Starts playback for a plex.tv account (looked up by username or email) on a server. */
  startSession(pms: PlexMediaServerFake, user: string | FakePlexAccount, input: Omit<StartSessionInput, 'userId' | 'username'> = {}): ReturnType<PlexMediaServerFake['startSession']> {
    const account = typeof user === 'string' ? this.plexTv.state.findByLogin(user) : user;
    if (!account) throw new Error(`No plex.tv account ${String(user)}`);
    return pms.startSession({ ...input, userId: account.id, username: account.username ?? account.title });
  }

  async close(): Promise<void> {
    await Promise.all([...this.servers.map((s) => s.close()), this.plexTv.close()]);
  }

  private addControlRoutes(): void {
    const http = this.plexTv.http;
    http.route('POST', '/__control/servers', async (req) => {
      const b = bodyObject(req);
      const pms = await this.addServer({
        name: typeof b.name === 'string' ? b.name : undefined,
        libraries: Array.isArray(b.libraries) ? (b.libraries as PmsLibrarySeed[]) : undefined,
        ownerId: typeof b.ownerId === 'number' ? b.ownerId : undefined,
      });
      if (typeof b.users === 'number') this.seedMembers(pms, b.users);
      return json(201, { machineId: pms.machineId, url: pms.url, accessToken: pms.accessToken });
    });
    http.route('POST', '/__control/servers/:machineId/sessions', (req) => {
      const pms = this.server(req.params.machineId!);
      if (!pms) return json(404, { error: 'no such server' });
      const b = bodyObject(req) as Partial<StartSessionInput> & { user?: string };
      try {
        const session = b.user ? this.startSession(pms, b.user, b) : pms.startSession(b as StartSessionInput);
        return json(201, sessionView(session));
      } catch (error) {
        return json(400, { error: (error as Error).message });
      }
    });
    http.route('POST', '/__control/servers/:machineId/sessions/:sessionKey/state', (req) => {
      const s = this.server(req.params.machineId!)?.setSessionState(req.params.sessionKey!, bodyObject(req).state as PmsPlayState);
      return s ? json(200, sessionView(s)) : json(404, { error: 'no such session' });
    });
    http.route('POST', '/__control/servers/:machineId/sessions/:sessionKey/stop', (req) =>
      this.server(req.params.machineId!)?.stopSession(req.params.sessionKey!) ? empty() : json(404, { error: 'no such session' }),
    );
    http.route('POST', '/__control/servers/:machineId/machine-id', (req) => {
      const pms = this.server(req.params.machineId!);
      if (!pms) return json(404, { error: 'no such server' });
      const wanted = bodyObject(req).machineId;
      return json(200, { machineId: pms.changeMachineId(typeof wanted === 'string' && wanted ? wanted : undefined), accessToken: pms.accessToken });
    });
  }
}

/** Starts plex.tv and the servers; `servers × usersPerServer` members (the benchmark uses 50 × 200). */
export async function startPlexFakes(options: StartPlexFakesOptions = {}): Promise<PlexFakes> {
  const host = options.host ?? '127.0.0.1';
  const plexTv = new PlexTvFake({
    ...(options.maxUsersPerServer !== undefined ? { maxUsersPerServer: options.maxUsersPerServer } : {}),
    ...(options.pinTtlSeconds !== undefined ? { pinTtlSeconds: options.pinTtlSeconds } : {}),
  });
  const owner = plexTv.state.addAccount({
    username: 'owner',
    email: 'owner@example.com',
    title: 'Owner',
    password: 'owner-password',
    ...options.owner,
    plexPass: options.plexPass ?? options.owner?.plexPass ?? true,
  });
  owner.homeOf = owner.id;
  await plexTv.listen(options.plexTvPort ?? 0, host);
  const fakes = new PlexFakes(plexTv, owner, {
    host,
    libraries: options.libraries ?? DEFAULT_LIBRARIES,
    ...(options.playingIntervalMs !== undefined ? { playingIntervalMs: options.playingIntervalMs } : {}),
  });
  const count = options.servers ?? 1;
  const servers = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      fakes.addServer({ name: options.serverNames?.[i] ?? `Plex Server ${i + 1}`, port: options.pmsBasePort ? options.pmsBasePort + i : 0 }),
    ),
  );
  for (let i = 0; i < (options.homeUsers ?? 0); i++) plexTv.state.createManagedUser(owner.id, `Kid ${i + 1}`);
  for (const pms of servers) fakes.seedMembers(pms, options.usersPerServer ?? 0, options.pendingInvitesPerServer ?? 0);
  return fakes;
}
