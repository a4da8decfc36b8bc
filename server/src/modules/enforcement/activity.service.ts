import type { Logger } from 'pino';
import type { EnforcementRule, Verdict } from '../../domain/enforcement.js';
import { truncateIp } from '../../domain/ip-privacy.js';
import { DAY_MS, type Clock } from '../../platform/clock.js';
import type { ServerConnector } from '../servers/server-connector.js';
import type { ServersRepository } from '../servers/servers.repository.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { EnforcementRepository } from './enforcement.repository.js';
import type { EnforcementService, ServerSnapshot } from './enforcement.service.js';
import { MONITOR_LEASE } from './session-monitor.js';

export interface NowPlayingSession {
  sessionId: string;
  memberId: string | null;
  memberName: string | null;
  planName: string | null;
  username: string | null;
  device: string | null;
  player: string | null;
  ip: string | null;
  state: 'playing' | 'paused' | 'buffering';
  title: string;
  videoTranscode: boolean;
  source4k: boolean;
  startedAt: string;
  verdict: Verdict;
  rules: EnforcementRule[];
  message: string | null;
}

export interface NowPlayingServer {
  id: string;
  name: string;
  kind: string;
  canStop: boolean;
  error: string | null;
  sessions: NowPlayingSession[];
}

/** A snapshot the monitor took this recently is shown as is; older ones are read again. */
const FRESH_MS = 5_000;

/** What the admin sees of enforcement: Now playing, stream history, warnings, caps; and the prune. */
export class ActivityService {
  constructor(
    private readonly repo: EnforcementRepository,
    private readonly enforcement: EnforcementService,
    private readonly servers: ServersRepository,
    private readonly connector: ServerConnector,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async nowPlaying(): Promise<{ servers: NowPlayingServer[]; monitor: { holder: string | null } }> {
    const enabled = (await this.servers.list()).filter((s) => s.enabled);
    const now = this.clock.now().getTime();
    const { truncateIps } = await this.settings.get('enforcement');
    const reads = await Promise.all(
      enabled.map(async (server): Promise<{ snap: ServerSnapshot | null; error: string | null; server: typeof server }> => {
        const cached = this.enforcement.snapshot(server.id);
        if (cached && now - new Date(cached.readAt).getTime() < FRESH_MS) return { snap: cached, error: null, server };
        try {
          const adapter = await this.connector.adapterFor(server);
          try {
            if (server.kind === 'plex') await adapter.identity();
            return { snap: await this.enforcement.read(server, adapter), error: null, server };
          } finally {
            await adapter.close().catch(() => undefined);
          }
        } catch (error) {
          this.log.debug({ err: error, serverId: server.id }, 'now playing: reading sessions failed');
          return { snap: null, error: error instanceof Error ? error.message : String(error), server };
        }
      }),
    );
    const snaps = reads.flatMap((r) => (r.snap ? [r.snap] : []));
    const { context, result } = await this.enforcement.decide(snaps);
    const decisionOf = new Map(result.decisions.map((d) => [`${d.serverId}\u0000${d.sessionId}`, d]));
    const lease = await this.repo.leaseHolder(MONITOR_LEASE);
    return {
      monitor: { holder: lease && new Date(lease.expiresAt).getTime() > now ? lease.holder : null },
      servers: reads.map(({ snap, error, server }) => ({
        id: server.id,
        name: server.name,
        kind: server.kind,
        canStop: snap?.canStop ?? false,
        error,
        sessions: (snap?.sessions ?? []).map((s) => {
          const d = decisionOf.get(`${server.id}\u0000${s.sessionId}`);
          return {
            sessionId: s.sessionId,
            memberId: s.memberId,
            memberName: s.memberId ? (context.facts.get(s.memberId)?.name ?? null) : null,
            planName: s.memberId ? (context.planNames.get(s.memberId) ?? null) : null,
            username: s.username,
            device: s.device,
            player: s.player,
            ip: s.ip && truncateIps ? truncateIp(s.ip) : s.ip,
            state: s.state,
            title: s.media.grandparentTitle ? `${s.media.grandparentTitle} — ${s.media.title}` : s.media.title,
            videoTranscode: s.videoTranscode,
            source4k: s.source4k,
            startedAt: s.firstSeenAt,
            verdict: d?.verdict ?? 'ok',
            rules: d?.rules ?? [],
            message: d?.message ?? null,
          };
        }),
      })),
    };
  }

  history(filter: { memberId?: string; serverId?: string; offset: number; limit: number }) {
    return this.repo.listHistory(filter);
  }

  async warnings(memberId: string) {
    return { counts: await this.repo.warningCounts(memberId), items: await this.repo.warnings(memberId, 50) };
  }

  /** Jellyfin/Emby accounts whose server-side stream cap is not the one their plan gives (0 = no cap). */
  async capMismatches() {
    const rows = await this.repo.knownCaps();
    const { members } = await this.enforcement.memberContext(rows.map((r) => r.memberId));
    return rows.flatMap((r) => {
      const member = members.get(r.memberId);
      if (!member?.plan) return [];
      const expected = member.permanent ? 0 : Math.max(0, member.plan.maxStreams ?? 0);
      return expected === r.sessionCap ? [] : [{ ...r, expectedCap: expected }];
    });
  }

  async prune(): Promise<number> {
    const { historyRetentionDays } = await this.settings.get('enforcement');
    return this.repo.pruneHistory(new Date(this.clock.now().getTime() - historyRetentionDays * DAY_MS).toISOString());
  }
}
