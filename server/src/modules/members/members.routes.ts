import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams, offsetOf, okSchema, pageOf, pageQuery } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';
import { MEMBER_SORTS } from './members.repository.js';

const sharedServerSchema = z
  .object({
    id: z.string(),
    serverId: z.string(),
    serverName: z.string(),
    memberId: z.string().nullable(),
    remoteId: z.string(),
    username: z.string().nullable(),
    email: z.string().nullable(),
    state: z.string(),
    libraries: z.union([z.array(z.string()), z.literal('all')]),
    allowDownloads: z.boolean(),
    invitedAt: z.string().nullable(),
    acceptedAt: z.string().nullable(),
    firstSeenAt: z.string(),
    replacedAt: z.string().nullable().describe('When an identity change replaced this account by another; null for a current account'),
  })
  .meta({ id: 'SharedServer' });

const statusSchema = z
  .object({
    state: z.enum(['active', 'expired', 'permanent']),
    reason: z.enum(['permanent', 'payment', 'renewal_grace', 'no_payments', 'expired', 'starts_in_future']),
    until: z.string().nullable(),
    expiredAt: z.string().nullable(),
    startsAt: z.string().nullable(),
    paymentId: z.string().nullable(),
    planId: z.string().nullable(),
    planName: z.string().nullable(),
  })
  .meta({ id: 'MemberStatus' });

const memberItem = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    username: z.string().nullable(),
    displayName: z.string().nullable(),
    permanent: z.boolean(),
    source: z.string(),
    createdAt: z.string(),
    servers: z.array(z.object({ serverId: z.string(), serverName: z.string(), state: z.string() })),
    masterMemberId: z.string().nullable(),
    status: statusSchema,
  })
  .meta({ id: 'MemberListItem' });

export const memberDetail = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    username: z.string().nullable(),
    displayName: z.string().nullable(),
    permanent: z.boolean(),
    source: z.string(),
    importExpiresAt: z.string().nullable(),
    createdAt: z.string(),
    paypalEmail: z.string().nullable(),
    discordId: z.string().nullable(),
    notes: z.string().nullable(),
    weeklyDownloadQuota: z.number().int().nullable().describe('null: the plan quota applies'),
    requiresPlexAccountChange: z.boolean(),
    masterMemberId: z.string().nullable().describe("Set on a linked member: its status is its master's"),
    accounts: z.array(sharedServerSchema),
    status: statusSchema,
  })
  .meta({ id: 'MemberDetail' });

export const keepOnServerQuery = z.object({
  keepOnServer: z.enum(['true', 'false']).default('false').describe('true: leave the remote share or account in place; Usher only forgets the member (sync will not import it again)'),
});

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function membersRoutes(container: Container): RouteModule {
  const { members } = container;
  return (app) => {
    app.get(
      '/admin/members',
      {
        config: { permission: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'Members (remote accounts Usher tracks) with the servers they share',
          querystring: pageQuery(MEMBER_SORTS, 'email').extend({ serverId: z.string().max(100).optional() }),
          response: { 200: pageOf(memberItem), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const result = await members.search({ q: q.q, serverId: q.serverId, sort: q.sort, order: q.order, ...offsetOf(q) });
        return { ...result, page: q.page, pageSize: q.pageSize };
      },
    );

    app.get(
      '/admin/members/:id',
      {
        config: { permission: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'A member with the remote state of each account',
          params: idParams,
          response: { 200: memberDetail, ...errors },
        },
      },
      (request) => members.detail(request.params.id),
    );

    app.put(
      '/admin/members/:id/permanent',
      {
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Make a member permanent (never expires, exempt from limits) or not',
          params: idParams,
          body: z.object({ permanent: z.boolean() }),
          response: { 200: okSchema, ...errors },
        },
      },
      async (request) => {
        await members.setPermanent(request.params.id, request.body.permanent, actor(request));
        return { ok: true as const };
      },
    );

    app.delete(
      '/admin/members/:id',
      {
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Delete a member: its share (Plex) or account (Jellyfin/Emby) is removed through the operations queue, unless keepOnServer',
          params: idParams,
          querystring: keepOnServerQuery,
          response: { 200: okSchema, ...errors },
        },
      },
      async (request) => {
        await container.memberLifecycle.remove(request.params.id, { keepOnServer: request.query.keepOnServer === 'true' }, actor(request));
        return { ok: true as const };
      },
    );

    app.get(
      '/admin/shared-servers',
      {
        config: { permission: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'Who shares which server: accepted shares and pending invites',
          querystring: z.object({ serverId: z.string().max(100).optional() }),
          response: { 200: z.object({ items: z.array(sharedServerSchema) }), ...errors },
        },
      },
      async (request) => ({ items: await members.sharedServers(request.query) }),
    );

    app.get(
      '/admin/members/import/preview',
      {
        config: { permission: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'Accounts found by the first sync of each server, waiting for the admin to import them',
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  serverId: z.string(),
                  serverName: z.string(),
                  kind: z.string(),
                  accounts: z.array(
                    z.object({ remoteId: z.string(), username: z.string().nullable(), email: z.string().nullable(), state: z.string() }),
                  ),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async () => ({ items: await members.importPreview() }),
    );

    app.post(
      '/admin/members/import',
      {
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Import the waiting accounts of these servers: each as Permanent, or on the Default plan until a date',
          body: z.object({
            serverIds: z.array(z.string().max(100)).min(1).max(500),
            mode: z.enum(['permanent', 'expiring']),
            expiresAt: z.iso.datetime().optional(),
            exclude: z
              .array(z.string().max(300))
              .max(10000)
              .optional()
              .describe('Accounts to leave out, as "serverId:remoteId"; sync will not import them later'),
            rows: z
              .array(z.object({ account: z.string().max(300), mode: z.enum(['permanent', 'expiring']) }))
              .max(10000)
              .optional()
              .describe('Per-row choices that differ from mode, keyed "serverId:remoteId": Permanent, or Default plan until expiresAt'),
          }),
          response: { 200: z.object({ imported: z.number().int() }), ...errors },
        },
      },
      (request) => members.confirmImport(request.body, actor(request)),
    );
  };
}
