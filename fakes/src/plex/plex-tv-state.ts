import type { PlexMediaServerFake } from './pms-fake.js';
import { PinStore } from './plex-tv-pins.js';
import {
  DEFAULT_SETTINGS,
  PlexTvFailure,
  type AccountSeed,
  type FakePlexAccount,
  type FakeShare,
  type InviteInput,
  type RegisteredServer,
  type ShareSettings,
} from './plex-tv-types.js';
import { nowSeconds, randomHex, randomToken } from './wire.js';

/** In-memory plex.tv: accounts, Plex Home, registered servers, shares (invites) and PINs. */

export class PlexTvState {
  readonly accounts = new Map<number, FakePlexAccount>();
  readonly servers = new Map<string, RegisteredServer>();
  readonly shares = new Map<number, FakeShare>();
  readonly pins: PinStore;
  /** Friendships that exist without a share (seeded, or kept after shares were removed). */
  private readonly friendships = new Map<number, Set<number>>();
  private readonly byToken = new Map<string, number>();
  private readonly byLogin = new Map<string, number>();
  private readonly sharesByServer = new Map<string, Set<number>>();
  private nextAccountId = 10_000_001;
  private nextShareId = 600_000_001;
  // A different range, so a v1 id sent to a v2 route (or the reverse) finds nothing.
  private nextV1ShareId = 3_100_001;
  private nextServerId = 900_001;
  maxUsersPerServer: number;

  constructor(options: { maxUsersPerServer?: number; pinTtlSeconds?: number } = {}) {
    this.maxUsersPerServer = options.maxUsersPerServer ?? 100;
    this.pins = new PinStore(options.pinTtlSeconds ?? 900, (token) => this.accountByToken(token) !== undefined);
  }

  // ---- accounts -------------------------------------------------------------------------------

  addAccount(seed: AccountSeed): FakePlexAccount {
    const id = seed.id ?? this.nextAccountId++;
    const username = seed.restricted ? null : (seed.username ?? `user${id}`);
    const account: FakePlexAccount = {
      id,
      uuid: randomHex(16),
      username,
      email: seed.restricted ? null : (seed.email ?? `${username}@example.com`),
      title: seed.title ?? username ?? `Managed ${id}`,
      token: seed.restricted ? null : seed.token === undefined ? randomToken() : seed.token,
      password: seed.password ?? null,
      twoFactorCode: seed.twoFactorCode ?? null,
      plexPass: seed.plexPass ?? false,
      restricted: seed.restricted ?? false,
      homeOf: null,
      joinedAt: nowSeconds() - 86_400 * 400,
    };
    this.accounts.set(id, account);
    if (account.token) this.byToken.set(account.token, id);
    if (account.username) this.byLogin.set(account.username.toLowerCase(), id);
    if (account.email) this.byLogin.set(account.email.toLowerCase(), id);
    // Signing up binds the invites that waited for this email.
    if (account.email) for (const share of this.shares.values()) if (share.invitedId === null && share.invitedEmail.toLowerCase() === account.email.toLowerCase()) share.invitedId = id;
    return account;
  }

  account(id: number): FakePlexAccount | undefined {
    return this.accounts.get(id);
  }

  accountByToken(token: string | null): FakePlexAccount | undefined {
    if (!token) return undefined;
    const id = this.byToken.get(token);
    return id === undefined ? undefined : this.accounts.get(id);
  }

  findByLogin(login: string): FakePlexAccount | undefined {
    const id = this.byLogin.get(login.trim().toLowerCase());
    return id === undefined ? undefined : this.accounts.get(id);
  }

  /** Invalidates the account's token (signed out everywhere) and issues a new one. */
  rotateToken(id: number): string {
    const account = this.mustAccount(id);
    if (account.token) this.byToken.delete(account.token);
    account.token = randomToken();
    this.byToken.set(account.token, id);
    return account.token;
  }

  setPlexPass(id: number, plexPass: boolean): void {
    this.mustAccount(id).plexPass = plexPass;
  }

  // ---- Plex Home --------------------------------------------------------------------------------

  addToHome(adminId: number, memberId: number): void {
    this.mustAccount(adminId).homeOf = adminId;
    this.mustAccount(memberId).homeOf = adminId;
  }

  createManagedUser(adminId: number, title: string): FakePlexAccount {
    const user = this.addAccount({ restricted: true, title });
    this.addToHome(adminId, user.id);
    return user;
  }

  /** The Home list: the admin first, then the members. */
  homeUsers(adminId: number): FakePlexAccount[] {
    const admin = this.mustAccount(adminId);
    const members = [...this.accounts.values()].filter((a) => a.homeOf === adminId && a.id !== adminId);
    return [admin, ...members];
  }

  // ---- servers ----------------------------------------------------------------------------------

  registerServer(pms: PlexMediaServerFake, ownerId: number, maxUsers?: number): RegisteredServer {
    const owner = this.mustAccount(ownerId);
    const record: RegisteredServer = { id: this.nextServerId++, pms, ownerId, maxUsers: maxUsers ?? this.maxUsersPerServer, createdAt: nowSeconds() - 86_400 * 200 };
    this.servers.set(pms.machineId, record);
    pms.link = {
      isOwnerToken: (token) => owner.token === token,
      ownerHasPlexPass: () => owner.plexPass,
      // A reinstalled server registers anew: its old shares pointed at a server that no longer exists.
      machineIdChanged: (oldId, newId) => {
        const current = this.servers.get(oldId) ?? record;
        this.servers.delete(oldId);
        for (const id of this.sharesByServer.get(oldId) ?? []) this.shares.delete(id);
        this.sharesByServer.delete(oldId);
        this.servers.set(newId, { ...current, id: this.nextServerId++ });
      },
    };
    return record;
  }

  serversOf(ownerId: number): RegisteredServer[] {
    return [...this.servers.values()].filter((s) => s.ownerId === ownerId);
  }

  ownedServer(owner: FakePlexAccount, machineId: string): RegisteredServer | undefined {
    const server = this.servers.get(machineId);
    return server && server.ownerId === owner.id ? server : undefined;
  }

  // ---- shares -----------------------------------------------------------------------------------

  sharesOfServer(machineId: string): FakeShare[] {
    return [...(this.sharesByServer.get(machineId) ?? [])].map((id) => this.shares.get(id)!);
  }

  sharesOfOwner(ownerId: number): FakeShare[] {
    return [...this.shares.values()].filter((s) => s.ownerId === ownerId);
  }

  sharesReceived(accountId: number): FakeShare[] {
    return [...this.shares.values()].filter((s) => s.invitedId === accountId);
  }

  shareByV1Id(v1Id: number): FakeShare | undefined {
    for (const share of this.shares.values()) if (share.v1Id === v1Id) return share;
    return undefined;
  }

  /** Seats taken on a server: everyone it is shared with plus the owner's Plex Home members. */
  usedSeats(server: RegisteredServer): number {
    const ids = new Set<number | string>(this.sharesOfServer(server.pms.machineId).map((s) => s.invitedId ?? s.invitedEmail.toLowerCase()));
    for (const member of this.homeUsers(server.ownerId)) if (member.id !== server.ownerId) ids.add(member.id);
    return ids.size;
  }

  invite(owner: FakePlexAccount, input: InviteInput): FakeShare {
    const server = this.ownedServer(owner, input.machineId);
    if (!server) throw new PlexTvFailure(422, 1905, `Server ${input.machineId} is not registered to this account`);
    const invitee = this.resolveInvitee(input);
    if (invitee && (invitee.id === owner.id || (invitee.homeOf !== null && invitee.homeOf === owner.id))) {
      throw new PlexTvFailure(422, 1906, 'This user is already a member of your Plex Home');
    }
    const email = invitee ? (invitee.email ?? invitee.username ?? '') : (input.identifier ?? '').trim();
    const duplicate = this.sharesOfServer(input.machineId).some((s) => (invitee ? s.invitedId === invitee.id : s.invitedId === null && s.invitedEmail.toLowerCase() === email.toLowerCase()));
    if (duplicate) {
      // The text python-plexapi users and Wizarr/Tautulli-era tools quote; v1 answers 400 as
      // <Response code status>, v2 (Plex Web) 422 with the same message.
      const who = invitee?.username ?? email;
      throw new PlexTvFailure(400, 1999, `You're already sharing this server with ${who}. Please edit your existing share.`, { v2Status: 422, v1Response: true });
    }
    const sectionIds = this.resolveSections(server, input.sectionIds);
    if (this.usedSeats(server) >= server.maxUsers) {
      throw new PlexTvFailure(422, 1908, `This server has reached its maximum number of users (${server.maxUsers}), friends and Plex Home users included`);
    }
    const share: FakeShare = {
      id: this.nextShareId++,
      v1Id: this.nextV1ShareId++,
      machineId: input.machineId,
      ownerId: owner.id,
      invitedId: invitee?.id ?? null,
      invitedEmail: email,
      accepted: false,
      allLibraries: sectionIds.length === 0,
      sectionIds,
      settings: { ...DEFAULT_SETTINGS, ...input.settings },
      invitedAt: nowSeconds(),
      acceptedAt: null,
    };
    this.putShare(share);
    return share;
  }

  /** Seeding shortcut: an accepted share without the invite checks (demo and bench data). */
  seedShare(owner: FakePlexAccount, machineId: string, invitee: FakePlexAccount, sectionIds: number[], settings: Partial<ShareSettings> = {}): FakeShare {
    const at = nowSeconds() - 86_400 * 30;
    const share: FakeShare = {
      id: this.nextShareId++,
      v1Id: this.nextV1ShareId++,
      machineId,
      ownerId: owner.id,
      invitedId: invitee.id,
      invitedEmail: invitee.email ?? invitee.username ?? '',
      accepted: true,
      allLibraries: false,
      sectionIds,
      settings: { ...DEFAULT_SETTINGS, ...settings },
      invitedAt: at,
      acceptedAt: at,
    };
    this.putShare(share);
    return share;
  }

  updateShare(owner: FakePlexAccount, shareId: number | FakeShare, update: { sectionIds?: (number | string)[]; settings?: Partial<ShareSettings> }): FakeShare {
    const share = this.ownedShare(owner, shareId);
    const server = this.servers.get(share.machineId)!;
    if (update.sectionIds !== undefined) {
      share.sectionIds = this.resolveSections(server, update.sectionIds);
      share.allLibraries = share.sectionIds.length === 0;
    }
    if (update.settings) share.settings = { ...share.settings, ...update.settings };
    return share;
  }

  /** `PUT /api/v2/sharings/{userId}`: the flags apply to every share of the owner with that user. */
  updateSharingFlags(owner: FakePlexAccount, userId: number, settings: Partial<ShareSettings>): FakeShare[] {
    const shares = this.sharesOfOwner(owner.id).filter((s) => s.invitedId === userId);
    if (shares.length === 0) throw new PlexTvFailure(404, 1002, 'The requested resource or endpoint could not be found');
    for (const s of shares) s.settings = { ...s.settings, ...settings };
    return shares;
  }

  removeShare(owner: FakePlexAccount, shareId: number | FakeShare): void {
    const share = this.ownedShare(owner, shareId);
    this.shares.delete(share.id);
    this.sharesByServer.get(share.machineId)?.delete(share.id);
  }

  /** Removes the friendship and every share of the owner with that user. */
  removeFriend(owner: FakePlexAccount, userId: number): void {
    const shares = this.sharesOfOwner(owner.id).filter((s) => s.invitedId === userId);
    const friends = this.friendships.get(owner.id);
    if (shares.length === 0 && !friends?.has(userId)) throw new PlexTvFailure(404, 1002, 'The requested resource or endpoint could not be found');
    for (const s of shares) this.removeShare(owner, s.id);
    friends?.delete(userId);
  }

  acceptShare(shareId: number): FakeShare {
    const share = this.shares.get(shareId);
    if (!share) throw new PlexTvFailure(404, 1002, 'The requested resource or endpoint could not be found');
    // An invite to an email is accepted after signing up: the account exists from then on.
    if (share.invitedId === null) share.invitedId = (this.findByLogin(share.invitedEmail) ?? this.addAccount({ username: null, email: share.invitedEmail, title: share.invitedEmail, token: null })).id;
    if (!share.accepted) {
      share.accepted = true;
      share.acceptedAt = nowSeconds();
    }
    return share;
  }

  addFriend(ownerId: number, friendId: number): void {
    let set = this.friendships.get(ownerId);
    if (!set) this.friendships.set(ownerId, (set = new Set()));
    set.add(friendId);
  }

  /** Friends: seeded friendships and everyone the owner shares a server with. */
  friendsOf(ownerId: number): { account: FakePlexAccount; accepted: boolean; shares: FakeShare[] }[] {
    const out = new Map<number, { account: FakePlexAccount; accepted: boolean; shares: FakeShare[] }>();
    for (const id of this.friendships.get(ownerId) ?? []) out.set(id, { account: this.mustAccount(id), accepted: true, shares: [] });
    for (const share of this.sharesOfOwner(ownerId)) {
      // An invite to an email without an account is not a friend of anyone yet.
      if (share.invitedId === null) continue;
      const entry = out.get(share.invitedId) ?? { account: this.mustAccount(share.invitedId), accepted: false, shares: [] };
      entry.shares.push(share);
      entry.accepted ||= share.accepted;
      out.set(share.invitedId, entry);
    }
    return [...out.values()];
  }

  // ---- sign-in ----------------------------------------------------------------------------------

  signIn(login: string, password: string, verificationCode?: string): FakePlexAccount {
    const account = this.findByLogin(login);
    if (!account || !account.token || account.password === null || account.password !== password) {
      throw new PlexTvFailure(401, 1001, 'User could not be authenticated');
    }
    if (account.twoFactorCode) {
      if (!verificationCode) throw new PlexTvFailure(401, 1029, 'Please enter the verification code');
      if (verificationCode !== account.twoFactorCode) throw new PlexTvFailure(401, 1001, 'User could not be authenticated');
    }
    return account;
  }

  // ---- helpers ----------------------------------------------------------------------------------

  sectionsOf(server: RegisteredServer): { id: number; key: string; title: string; type: string }[] {
    return server.pms.libraries.map((l) => ({ id: l.globalId, key: l.key, title: l.title, type: l.type }));
  }

  /** The invited account; null for an email plex.tv does not know (the invite waits for sign-up). */
  private resolveInvitee(input: InviteInput): FakePlexAccount | null {
    if (input.invitedId !== undefined) {
      const account = this.accounts.get(input.invitedId);
      if (!account) throw new PlexTvFailure(404, 1002, 'User not found');
      return account;
    }
    const identifier = (input.identifier ?? '').trim();
    if (!identifier) throw new PlexTvFailure(400, 1000, 'invitedEmail is missing');
    const found = this.findByLogin(identifier);
    if (found) return found;
    // plex.tv emails an invitation to an address it does not know; the share has no user id until sign-up.
    if (identifier.includes('@')) return null;
    throw new PlexTvFailure(404, 1002, 'User not found');
  }

  /** Takes plex.tv global ids, and PMS keys as some clients send them; anything else is stale. */
  private resolveSections(server: RegisteredServer, ids: (number | string)[]): number[] {
    const libs = server.pms.libraries;
    return ids.map((raw) => {
      const n = Number(raw);
      const lib = libs.find((l) => l.globalId === n) ?? libs.find((l) => l.key === String(raw));
      if (!lib) throw new PlexTvFailure(422, 1904, `Library section ${String(raw)} does not belong to this server`);
      return lib.globalId;
    });
  }

  private ownedShare(owner: FakePlexAccount, shareId: number | FakeShare): FakeShare {
    const share = typeof shareId === 'number' ? this.shares.get(shareId) : shareId;
    if (!share || share.ownerId !== owner.id) throw new PlexTvFailure(404, 1002, 'The requested resource or endpoint could not be found');
    return share;
  }

  private putShare(share: FakeShare): void {
    this.shares.set(share.id, share);
    let set = this.sharesByServer.get(share.machineId);
    if (!set) this.sharesByServer.set(share.machineId, (set = new Set()));
    set.add(share.id);
  }

  private mustAccount(id: number): FakePlexAccount {
    const account = this.accounts.get(id);
    if (!account) throw new PlexTvFailure(404, 1002, `No account ${id}`);
    return account;
  }
}
