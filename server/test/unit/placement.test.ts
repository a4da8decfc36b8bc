import { describe, expect, it } from 'vitest';
import {
  hasRoom,
  placeMember,
  PLEX_SEAT_CAP,
  seatLimit,
  seatsUsed,
  type Placement,
  type PlacementMember,
  type PlacementPlan,
  type PlacementServer,
} from '../../src/domain/placement.js';

const server = (id: string, over: Partial<PlacementServer> = {}): PlacementServer => ({
  id,
  kind: 'jellyfin',
  enabled: true,
  allowNewSubscriptions: true,
  allowTrials: false,
  maxUsers: 10,
  locationId: 'eu',
  libraryGroupIds: ['standard'],
  members: 0,
  pendingInvites: 0,
  homeUsers: 0,
  ...over,
});
const plan = (over: Partial<PlacementPlan> = {}): PlacementPlan => ({
  libraryGroupIds: ['standard'],
  targetServerIds: [],
  isTrial: false,
  ...over,
});
const member = (over: Partial<PlacementMember> = {}): PlacementMember => ({
  currentServerId: null,
  pendingInviteServerId: null,
  previousServerIds: [],
  preferredLocationId: null,
  isNew: true,
  ...over,
});

interface Case {
  name: string;
  servers: PlacementServer[];
  plan?: Partial<PlacementPlan>;
  member?: Partial<PlacementMember>;
  expected: Partial<Extract<Placement, { ok: true }>>;
}

const cases: Case[] = [
  {
    name: 'keeps the current server when it fits, even when it is full or closed to new members',
    servers: [server('a', { members: 10, allowNewSubscriptions: false }), server('b')],
    member: { currentServerId: 'a', isNew: false },
    expected: { serverId: 'a', rule: 'current' },
  },
  {
    name: 'leaves a member on a disabled current server, flagged so nothing is written there',
    servers: [server('a', { enabled: false }), server('b')],
    member: { currentServerId: 'a', isNew: false },
    expected: { serverId: 'a', rule: 'current', disabled: true },
  },
  {
    name: 'moves off a current server that lacks the plan’s groups (a trial member subscribing)',
    servers: [server('trial', { libraryGroupIds: ['trial'], allowTrials: true }), server('main')],
    member: { currentServerId: 'trial', isNew: false },
    expected: { serverId: 'main', rule: 'any' },
  },
  {
    name: 'keeps the server of a pending invite that fits',
    servers: [server('a', { kind: 'plex', members: 98, pendingInvites: 1 }), server('b')],
    member: { pendingInviteServerId: 'a' },
    expected: { serverId: 'a', rule: 'pending_invite' },
  },
  {
    name: 'prefers the current server to the pending invite',
    servers: [server('a'), server('b')],
    member: { currentServerId: 'b', pendingInviteServerId: 'a' },
    expected: { serverId: 'b', rule: 'current' },
  },
  {
    name: 'returns to a server the member was shared on before, over a target server',
    servers: [server('old', { members: 9 }), server('target')],
    plan: { targetServerIds: ['target'] },
    member: { previousServerIds: ['gone', 'old'], isNew: false },
    expected: { serverId: 'old', rule: 'previous' },
  },
  {
    name: 'skips a previous server without room',
    servers: [server('old', { members: 10 }), server('other', { members: 5 })],
    member: { previousServerIds: ['old'], isNew: false },
    expected: { serverId: 'other', rule: 'any' },
  },
  {
    name: 'tries the plan’s target servers first, even when another has fewer members',
    servers: [server('a', { members: 1 }), server('t', { members: 8 })],
    plan: { targetServerIds: ['t'] },
    expected: { serverId: 't', rule: 'target' },
  },
  {
    name: 'falls back from full target servers to any server',
    servers: [server('a', { members: 1 }), server('t', { members: 10 })],
    plan: { targetServerIds: ['t'] },
    expected: { serverId: 'a', rule: 'any' },
  },
  {
    name: 'puts trial plans only on servers that allow trials',
    servers: [server('a'), server('trials', { allowTrials: true, members: 9 })],
    plan: { isTrial: true },
    expected: { serverId: 'trials', rule: 'any' },
  },
  {
    name: 'puts new members only on servers that allow new subscriptions',
    servers: [server('closed', { allowNewSubscriptions: false }), server('open', { members: 9 })],
    expected: { serverId: 'open', rule: 'any' },
  },
  {
    name: 'lets a returning member onto a server closed to new subscriptions',
    servers: [server('closed', { allowNewSubscriptions: false }), server('open', { members: 9 })],
    member: { isNew: false },
    expected: { serverId: 'closed', rule: 'any' },
  },
  {
    name: 'prefers the chosen location over fewer members',
    servers: [server('eu', { members: 1 }), server('us', { locationId: 'us', members: 8 })],
    member: { preferredLocationId: 'us' },
    expected: { serverId: 'us', rule: 'any' },
  },
  {
    name: 'ignores a preferred location with no candidate',
    servers: [server('eu1', { members: 3 }), server('eu2', { members: 2 }), server('us', { locationId: 'us', members: 10 })],
    member: { preferredLocationId: 'us' },
    expected: { serverId: 'eu2', rule: 'any' },
  },
  {
    name: 'picks the fewest occupied seats, counting Plex invites and Home users',
    servers: [
      server('p', { kind: 'plex', maxUsers: 0, members: 2, pendingInvites: 3, homeUsers: 4 }),
      server('j', { members: 8, maxUsers: 0 }),
    ],
    expected: { serverId: 'j', rule: 'any' },
  },
  {
    name: 'breaks ties by id, so two instances agree',
    servers: [server('b', { members: 2 }), server('a', { members: 2 })],
    expected: { serverId: 'a', rule: 'any' },
  },
  {
    name: 'never chooses a disabled server',
    servers: [server('off', { enabled: false }), server('on', { members: 9 })],
    expected: { serverId: 'on', rule: 'any' },
  },
  {
    name: 'needs every library group of the plan on the server',
    servers: [server('std'), server('both', { libraryGroupIds: ['standard', '4k'], members: 9 })],
    plan: { libraryGroupIds: ['standard', '4k'] },
    expected: { serverId: 'both', rule: 'any' },
  },
];

describe('placeMember', () => {
  it.each(cases)('$name', ({ servers, plan: p, member: m, expected }) => {
    expect(placeMember(servers, plan(p), member(m))).toEqual({ ok: true, ...expected });
  });

  it('says why no server can take the member, server by server, without throwing', () => {
    const result = placeMember(
      [
        server('off', { enabled: false }),
        server('full', { members: 10 }),
        server('4k', { libraryGroupIds: ['4k'] }),
        server('closed', { allowNewSubscriptions: false, allowTrials: true }),
      ],
      plan({ isTrial: true }),
      member(),
    );
    expect(result).toEqual({
      ok: false,
      reason: 'no_server',
      message:
        "No server can take this member: of 4 servers, 1 disabled, 3 not taking trials, 1 full, 1 without all of the plan's library groups, 1 not taking new subscriptions.",
      rejected: [
        { serverId: 'off', reasons: ['disabled', 'no_trials'] },
        { serverId: 'full', reasons: ['no_trials', 'full'] },
        { serverId: '4k', reasons: ['missing_library_groups', 'no_trials'] },
        { serverId: 'closed', reasons: ['no_new_subscriptions'] },
      ],
    });
  });

  it('explains an empty install and a plan without groups', () => {
    expect(placeMember([], plan(), member())).toMatchObject({ ok: false, message: 'No media server is configured.' });
    expect(placeMember([server('a')], plan({ libraryGroupIds: [] }), member())).toMatchObject({
      ok: false,
      message: 'The plan has no library groups, so no server can fit it.',
    });
  });
});

describe('capacity', () => {
  it.each([
    // [name, server, used, limit, room]
    [
      'Plex without a maximum is full at 99 seats',
      server('p', { kind: 'plex', maxUsers: 0, members: 90, pendingInvites: 5, homeUsers: 4 }),
      99,
      PLEX_SEAT_CAP,
      false,
    ],
    ['Plex below the cap has room', server('p', { kind: 'plex', maxUsers: 0, members: 90, pendingInvites: 5, homeUsers: 3 }), 98, 99, true],
    ['Plex with an explicit maximum uses it', server('p', { kind: 'plex', maxUsers: 20, members: 10, homeUsers: 10 }), 20, 20, false],
    ['Plex never exceeds its own cap', server('p', { kind: 'plex', maxUsers: 500, members: 99 }), 99, 99, false],
    ['Jellyfin without a maximum is unlimited', server('j', { maxUsers: 0, members: 5000 }), 5000, Infinity, true],
    ['Jellyfin counts only members', server('j', { maxUsers: 3, members: 2, pendingInvites: 5, homeUsers: 5 }), 2, 3, true],
    ['Emby at its maximum is full', server('e', { kind: 'emby', maxUsers: 3, members: 3 }), 3, 3, false],
  ] as const)('%s', (_name, s, used, limit, room) => {
    expect(seatsUsed(s)).toBe(used);
    expect(seatLimit(s)).toBe(limit);
    expect(hasRoom(s)).toBe(room);
  });
});
