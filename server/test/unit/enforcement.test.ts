import { describe, expect, it } from 'vitest';
import {
  decideEnforcement,
  type EnforcedMember,
  type EnforcedSession,
  type EnforcementInput,
  type EnforcementSettings,
  type Verdict,
} from '../../src/domain/enforcement.js';

const DEFAULTS: EnforcementSettings = { pausedStreamsCount: true, includePermanentMembers: false };

function session(id: string, over: Partial<EnforcedSession> = {}): EnforcedSession {
  return {
    serverId: 'srv',
    sessionId: id,
    memberId: 'm1',
    state: 'playing',
    videoTranscode: false,
    source4k: false,
    startedAt: `2026-03-01T12:00:0${id.replace(/\D/g, '') || '0'}.000Z`,
    ...over,
  };
}

function member(over: Partial<EnforcedMember> & { maxStreams?: number | null; allowTranscoding?: boolean; policy?: 'newest' | 'all' } = {}): EnforcedMember {
  return {
    permanent: over.permanent ?? false,
    plan:
      over.plan === null
        ? null
        : { maxStreams: over.maxStreams === undefined ? 2 : over.maxStreams, allowTranscoding: over.allowTranscoding ?? true, streamLimitPolicy: over.policy ?? 'newest' },
  };
}

function run(sessions: EnforcedSession[], m: EnforcedMember, extra: Partial<EnforcementInput> = {}) {
  return decideEnforcement({
    sessions,
    members: new Map([['m1', m]]),
    servers: new Map([['srv', { allow4kTranscoding: false, canStop: true }]]),
    settings: DEFAULTS,
    ...extra,
  });
}

const verdicts = (r: ReturnType<typeof run>): Record<string, Verdict> => Object.fromEntries(r.decisions.map((d) => [d.sessionId, d.verdict]));

describe('decideEnforcement: stream limit', () => {
  it.each([
    // streams, max, policy, stopped
    [2, 2, 'newest', []],
    [3, 2, 'newest', ['s3']],
    [4, 2, 'newest', ['s3', 's4']],
    [3, 2, 'all', ['s1', 's2', 's3']],
    [2, 2, 'all', []],
    [5, null, 'newest', []],
    [5, 0, 'newest', []], // 0 is "no limit", as the server-side cap reads it
    [2, 1, 'newest', ['s2']],
  ] as const)('%i streams, limit %s, policy %s → stops %j', (count, max, policy, stopped) => {
    const sessions = Array.from({ length: count }, (_, i) => session(`s${i + 1}`));
    const result = run(sessions, member({ maxStreams: max, policy }));
    const stops = result.actions.filter((a) => a.kind === 'stop').map((a) => a.sessionId);
    expect(stops.sort()).toEqual([...stopped]);
  });

  it('the newest is chosen by start time, not by list order, across servers', () => {
    const result = decideEnforcement({
      sessions: [
        session('s9', { startedAt: '2026-03-01T10:00:00.000Z', serverId: 'a' }),
        session('s1', { startedAt: '2026-03-01T11:00:00.000Z', serverId: 'b' }),
        session('s5', { startedAt: '2026-03-01T09:00:00.000Z', serverId: 'a' }),
      ],
      members: new Map([['m1', member()]]),
      servers: new Map([
        ['a', { allow4kTranscoding: true, canStop: true }],
        ['b', { allow4kTranscoding: true, canStop: true }],
      ]),
      settings: DEFAULTS,
    });
    expect(result.actions.filter((a) => a.kind === 'stop').map((a) => [a.serverId, a.sessionId])).toEqual([['b', 's1']]);
  });

  it('paused streams count by default; when they do not, they are neither counted nor stopped', () => {
    const sessions = [session('s1', { state: 'paused' }), session('s2'), session('s3')];
    expect(verdicts(run(sessions, member()))).toEqual({ s1: 'ok', s2: 'ok', s3: 'stop' });
    const lenient = run(sessions, member(), { settings: { ...DEFAULTS, pausedStreamsCount: false } });
    expect(verdicts(lenient)).toEqual({ s1: 'ok', s2: 'ok', s3: 'ok' });
  });

  it('the message names the limit and the member is told once for several stops', () => {
    const result = run([session('s1'), session('s2'), session('s3'), session('s4')], member({ maxStreams: 1 }));
    const stop = result.actions.find((a) => a.kind === 'stop');
    expect(stop).toMatchObject({ message: expect.stringContaining('1 stream at a time') });
    expect(result.actions.filter((a) => a.kind === 'notify')).toEqual([{ kind: 'notify', memberId: 'm1', rules: ['stream_limit'] }]);
    expect(result.actions.filter((a) => a.kind === 'warn')).toHaveLength(3);
  });
});

describe('decideEnforcement: transcoding', () => {
  it('a plan without transcoding loses its video transcodes, not its direct plays', () => {
    const result = run([session('s1', { videoTranscode: true }), session('s2')], member({ allowTranscoding: false }));
    expect(verdicts(result)).toEqual({ s1: 'stop', s2: 'ok' });
    expect(result.decisions[0]).toMatchObject({ rules: ['transcode'], message: expect.stringContaining('does not allow transcoding') });
  });

  it('4K: stopped only when the server forbids 4K transcoding and the 4K source is transcoded', () => {
    const sessions = [session('s1', { videoTranscode: true, source4k: true }), session('s2', { source4k: true }), session('s3', { videoTranscode: true })];
    expect(verdicts(run(sessions, member({ maxStreams: null })))).toEqual({ s1: 'stop', s2: 'ok', s3: 'ok' });
    const allowed = run(sessions, member({ maxStreams: null }), { servers: new Map([['srv', { allow4kTranscoding: true, canStop: true }]]) });
    expect(verdicts(allowed)).toEqual({ s1: 'ok', s2: 'ok', s3: 'ok' });
  });

  it('a session breaking several rules is stopped once, with every rule warned', () => {
    const sessions = [session('s1'), session('s2'), session('s3', { videoTranscode: true, source4k: true })];
    const result = run(sessions, member({ allowTranscoding: false }));
    expect(result.actions.filter((a) => a.kind === 'stop')).toHaveLength(1);
    expect(result.actions.filter((a) => a.kind === 'warn').map((a) => a.kind === 'warn' && a.rule)).toEqual(['stream_limit', 'transcode', 'transcode_4k']);
  });
});

describe('decideEnforcement: who is exempt', () => {
  const heavy = [session('s1', { videoTranscode: true, source4k: true }), session('s2'), session('s3')];

  it('permanent members are exempt by default and included by the setting', () => {
    expect(verdicts(run(heavy, member({ permanent: true, allowTranscoding: false })))).toEqual({ s1: 'exempt', s2: 'exempt', s3: 'exempt' });
    const included = run(heavy, member({ permanent: true, allowTranscoding: false }), { settings: { ...DEFAULTS, includePermanentMembers: true } });
    expect(verdicts(included)).toEqual({ s1: 'stop', s2: 'ok', s3: 'stop' });
  });

  it('accounts Usher does not manage are only reported', () => {
    const result = run(heavy.map((s) => ({ ...s, memberId: null })), member());
    expect(verdicts(result)).toEqual({ s1: 'unmanaged', s2: 'unmanaged', s3: 'unmanaged' });
    expect(result.actions).toEqual([]);
  });

  it('a member without a current plan is left to the access engine', () => {
    expect(verdicts(run(heavy, member({ plan: null })))).toEqual({ s1: 'stop', s2: 'ok', s3: 'ok' }); // the server's 4K rule still applies
  });

  it('a server that cannot stop (Plex without Plex Pass): reported, warned and notified, never stopped', () => {
    const result = run(heavy, member({ allowTranscoding: false }), { servers: new Map([['srv', { allow4kTranscoding: false, canStop: false }]]) });
    expect(verdicts(result)).toEqual({ s1: 'report', s2: 'ok', s3: 'report' });
    expect(result.actions.some((a) => a.kind === 'stop')).toBe(false);
    expect(result.actions.filter((a) => a.kind === 'warn').every((a) => a.kind === 'warn' && !a.stopped)).toBe(true);
    expect(result.actions.filter((a) => a.kind === 'notify')).toHaveLength(1);
  });
});
