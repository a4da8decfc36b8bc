/**
 * What to do about the streams playing right now (reference §6.1, §6.3; product.md §4 item 1).
 * Pure: the monitor gathers the sessions of every server with each member's plan, the server flags
 * and the settings, and carries out the actions this returns.
 */
export type StreamLimitPolicy = 'newest' | 'all';
export type EnforcementRule = 'stream_limit' | 'transcode' | 'transcode_4k';
export type SessionState = 'playing' | 'paused' | 'buffering';

export interface EnforcedSession {
  serverId: string;
  sessionId: string;
  /** null: an account Usher does not manage (owner, Home user, an account not imported). */
  memberId: string | null;
  state: SessionState;
  videoTranscode: boolean;
  source4k: boolean;
  /** When it started (or was first seen); the newest streams over a limit are the ones stopped. */
  startedAt: string;
}

export interface EnforcedPlan {
  /** null or 0: no limit. */
  maxStreams: number | null;
  allowTranscoding: boolean;
  streamLimitPolicy: StreamLimitPolicy;
}

export interface EnforcedMember {
  permanent: boolean;
  /** null: no current plan (an inactive member is the access engine's business, not this one's). */
  plan: EnforcedPlan | null;
}

export interface EnforcedServer {
  allow4kTranscoding: boolean;
  /** False for a Plex server whose owner has no Plex Pass: the member is told, the stream plays on. */
  canStop: boolean;
}

export interface EnforcementSettings {
  pausedStreamsCount: boolean;
  includePermanentMembers: boolean;
}

export interface EnforcementInput {
  sessions: readonly EnforcedSession[];
  members: ReadonlyMap<string, EnforcedMember>;
  servers: ReadonlyMap<string, EnforcedServer>;
  settings: EnforcementSettings;
}

/**
 * ok: within the plan; exempt: a permanent member; unmanaged: not a member; stop: to be stopped;
 * report: breaks a rule but the server cannot stop it (the member is still told and warned).
 */
export type Verdict = 'ok' | 'exempt' | 'unmanaged' | 'stop' | 'report';

export interface SessionDecision {
  serverId: string;
  sessionId: string;
  memberId: string | null;
  verdict: Verdict;
  rules: EnforcementRule[];
  /** What the viewer sees on screen when it is stopped. */
  message: string | null;
}

export type EnforcementAction =
  | { kind: 'stop'; serverId: string; sessionId: string; memberId: string; message: string; rules: EnforcementRule[] }
  | { kind: 'warn'; serverId: string; sessionId: string; memberId: string; rule: EnforcementRule; stopped: boolean }
  | { kind: 'notify'; memberId: string; rules: EnforcementRule[] };

export interface EnforcementResult {
  decisions: SessionDecision[];
  actions: EnforcementAction[];
}

const RULE_ORDER: readonly EnforcementRule[] = ['stream_limit', 'transcode', 'transcode_4k'];

export function enforcementMessage(rules: readonly EnforcementRule[], maxStreams: number | null): string {
  const rule = RULE_ORDER.find((r) => rules.includes(r));
  if (rule === 'stream_limit') {
    const n = maxStreams ?? 0;
    return `Too many devices: your plan allows ${n} stream${n === 1 ? '' : 's'} at a time. Stop another stream to watch here.`;
  }
  if (rule === 'transcode') return 'Your plan does not allow transcoding. Choose the original quality, or a player that plays this file directly.';
  return 'This server does not transcode 4K. Play it on a 4K-capable player at original quality, or choose a non-4K version.';
}

function newestFirst(a: EnforcedSession, b: EnforcedSession): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? 1 : -1;
  return a.sessionId < b.sessionId ? 1 : a.sessionId > b.sessionId ? -1 : 0;
}

/** The sessions (by server/session key) a member loses to the stream limit. */
function overLimit(sessions: readonly EnforcedSession[], plan: EnforcedPlan, settings: EnforcementSettings): Set<string> {
  const max = plan.maxStreams ?? 0;
  if (max <= 0) return new Set();
  const counted = sessions.filter((s) => s.state !== 'paused' || settings.pausedStreamsCount);
  if (counted.length <= max) return new Set();
  const losing = plan.streamLimitPolicy === 'all' ? sessions : [...counted].sort(newestFirst).slice(0, counted.length - max);
  return new Set(losing.map(key));
}

const key = (s: { serverId: string; sessionId: string }) => `${s.serverId}\u0000${s.sessionId}`;

export function decideEnforcement(input: EnforcementInput): EnforcementResult {
  const byMember = new Map<string, EnforcedSession[]>();
  for (const s of input.sessions) if (s.memberId) byMember.set(s.memberId, [...(byMember.get(s.memberId) ?? []), s]);

  const limited = new Set<string>();
  for (const [memberId, sessions] of byMember) {
    const member = input.members.get(memberId);
    if (!member?.plan || (member.permanent && !input.settings.includePermanentMembers)) continue;
    for (const k of overLimit(sessions, member.plan, input.settings)) limited.add(k);
  }

  const decisions: SessionDecision[] = [];
  const actions: EnforcementAction[] = [];
  const notified = new Map<string, Set<EnforcementRule>>();
  for (const s of input.sessions) {
    const base = { serverId: s.serverId, sessionId: s.sessionId, memberId: s.memberId, rules: [] as EnforcementRule[], message: null };
    if (!s.memberId) {
      decisions.push({ ...base, verdict: 'unmanaged' });
      continue;
    }
    const member = input.members.get(s.memberId);
    if (member?.permanent && !input.settings.includePermanentMembers) {
      decisions.push({ ...base, verdict: 'exempt' });
      continue;
    }
    const plan = member?.plan ?? null;
    const server = input.servers.get(s.serverId);
    const rules: EnforcementRule[] = [];
    if (limited.has(key(s))) rules.push('stream_limit');
    if (plan && !plan.allowTranscoding && s.videoTranscode) rules.push('transcode');
    if (server && !server.allow4kTranscoding && s.videoTranscode && s.source4k) rules.push('transcode_4k');
    if (rules.length === 0) {
      decisions.push({ ...base, verdict: 'ok' });
      continue;
    }
    const canStop = server?.canStop ?? false;
    const message = enforcementMessage(rules, plan?.maxStreams ?? null);
    decisions.push({ ...base, verdict: canStop ? 'stop' : 'report', rules, message });
    if (canStop) actions.push({ kind: 'stop', serverId: s.serverId, sessionId: s.sessionId, memberId: s.memberId, message, rules });
    for (const rule of rules) actions.push({ kind: 'warn', serverId: s.serverId, sessionId: s.sessionId, memberId: s.memberId, rule, stopped: canStop });
    const told = notified.get(s.memberId) ?? new Set<EnforcementRule>();
    for (const rule of rules) told.add(rule);
    notified.set(s.memberId, told);
  }
  for (const [memberId, rules] of notified) actions.push({ kind: 'notify', memberId, rules: RULE_ORDER.filter((r) => rules.has(r)) });
  return { decisions, actions };
}
