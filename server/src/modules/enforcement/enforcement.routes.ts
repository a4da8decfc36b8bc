import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams, offsetOf, pageOf } from '../../http/common-schemas.js';
import type { RouteModule } from '../../http/route-module.js';

const rules = z.array(z.enum(['stream_limit', 'transcode', 'transcode_4k']));

const nowPlayingSession = z
  .object({
    sessionId: z.string(),
    memberId: z.string().nullable(),
    memberName: z.string().nullable(),
    planName: z.string().nullable(),
    username: z.string().nullable(),
    device: z.string().nullable(),
    player: z.string().nullable(),
    ip: z.string().nullable(),
    state: z.enum(['playing', 'paused', 'buffering']),
    title: z.string(),
    videoTranscode: z.boolean(),
    source4k: z.boolean(),
    startedAt: z.string(),
    verdict: z.enum(['ok', 'exempt', 'unmanaged', 'stop', 'report']),
    rules,
    message: z.string().nullable(),
  })
  .meta({ id: 'NowPlayingSession' });

const nowPlaying = z
  .object({
    monitor: z.object({ holder: z.string().nullable() }),
    servers: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        kind: z.string(),
        canStop: z.boolean(),
        error: z.string().nullable(),
        sessions: z.array(nowPlayingSession),
      }),
    ),
  })
  .meta({ id: 'NowPlaying' });

const historyItem = z
  .object({
    id: z.string(),
    serverId: z.string(),
    serverName: z.string(),
    memberId: z.string().nullable(),
    memberName: z.string().nullable(),
    username: z.string().nullable(),
    device: z.string().nullable(),
    player: z.string().nullable(),
    ip: z.string().nullable(),
    title: z.string(),
    source4k: z.boolean(),
    videoTranscode: z.boolean(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    stoppedFor: z.string().nullable(),
  })
  .meta({ id: 'StreamHistoryItem' });

const warning = z
  .object({ id: z.string(), kind: z.string(), serverId: z.string().nullable(), serverName: z.string().nullable(), details: z.record(z.string(), z.unknown()), at: z.string() })
  .meta({ id: 'MemberWarning' });

const capMismatch = z
  .object({
    memberId: z.string(),
    memberName: z.string(),
    serverId: z.string(),
    serverName: z.string(),
    serverKind: z.string(),
    username: z.string().nullable(),
    sessionCap: z.number().int(),
    expectedCap: z.number().int(),
  })
  .meta({ id: 'StreamCapMismatch' });

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

/** Viewing activity (IP addresses included) needs `activity.read`; a member's warnings only `members.read`. */
export function enforcementRoutes(container: Container): RouteModule {
  const { activity, members } = container;
  return (app) => {
    app.get(
      '/admin/activity/now-playing',
      {
        config: { permission: 'activity.read' },
        schema: { tags: ['activity'], summary: 'What plays on every enabled server now, with the enforcement decision for each stream', response: { 200: nowPlaying, ...errors } },
      },
      () => activity.nowPlaying(),
    );

    app.get(
      '/admin/activity/history',
      {
        config: { permission: 'activity.read' },
        schema: {
          tags: ['activity'],
          summary: 'Stream history, newest first (servers with streaming-activity logging on)',
          querystring: z.object({
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(25),
            memberId: z.string().max(100).optional(),
            serverId: z.string().max(100).optional(),
          }),
          response: { 200: pageOf(historyItem), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await activity.history({ ...(q.memberId ? { memberId: q.memberId } : {}), ...(q.serverId ? { serverId: q.serverId } : {}), ...offsetOf(q) });
        return { ...page, page: q.page, pageSize: q.pageSize };
      },
    );

    app.get(
      '/admin/activity/stream-caps',
      {
        config: { permission: 'members.read' },
        schema: {
          tags: ['activity'],
          summary: 'Jellyfin/Emby accounts whose server-side stream cap differs from their plan',
          response: { 200: z.object({ items: z.array(capMismatch) }), ...errors },
        },
      },
      async () => ({ items: await activity.capMismatches() }),
    );

    app.get(
      '/admin/members/:id/warnings',
      {
        config: { permission: 'members.read' },
        schema: {
          tags: ['activity'],
          summary: 'A member’s enforcement warnings (newest 50) and their counts by kind',
          params: idParams,
          response: { 200: z.object({ counts: z.record(z.string(), z.number().int()), items: z.array(warning) }), 404: errorBodySchema, ...errors },
        },
      },
      async (request) => {
        await members.detail(request.params.id);
        return activity.warnings(request.params.id);
      },
    );
  };
}
