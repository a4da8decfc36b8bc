import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';
import { keepOnServerQuery } from './members.routes.js';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

const removalSchema = z
  .object({
    keepOnServer: z.boolean(),
    items: z.array(
      z.object({
        accountId: z.string(),
        serverId: z.string(),
        serverName: z.string(),
        serverKind: z.enum(['plex', 'jellyfin', 'emby']),
        remoteId: z.string(),
        username: z.string().nullable(),
        email: z.string().nullable(),
        state: z.string(),
        action: z.enum(['remove_share', 'delete_account', 'keep']),
        waitsForServer: z.boolean().describe('The server is disabled: the removal waits until it is enabled'),
      }),
    ),
    subsReleased: z.number().int(),
  })
  .meta({ id: 'MemberRemoval' });

const iso = z.string().nullable();
const explainSchema = z
  .object({
    state: z.enum(['active', 'expired', 'permanent']),
    phase: z
      .enum(['active', 'grace', 'expired', 'delete'])
      .describe('What the reconciler gives the member now: everything, grace groups, no libraries, or account deletion'),
    reason: z.object({
      code: z.enum(['permanent', 'payment', 'renewal_grace', 'no_payments', 'expired', 'starts_in_future']),
      paymentId: z.string().nullable(),
      planName: z.string().nullable(),
      from: iso,
      to: iso,
      until: iso,
      expiredAt: iso,
      startsAt: iso,
    }),
    followsMaster: z.object({ id: z.string(), label: z.string() }).nullable(),
    summary: z.string(),
    nextActions: z.array(
      z.object({ action: z.enum(['reminder', 'unshare', 'grace_start', 'grace_end', 'delete']), at: z.string(), message: z.string() }),
    ),
    payments: z.array(
      z.object({
        id: z.string(),
        planName: z.string(),
        amountMinor: z.number().int(),
        currency: z.string(),
        from: z.string(),
        to: z.string(),
        gateway: z.string(),
        transactionId: z.string().nullable(),
        coversNow: z.boolean(),
      }),
    ),
    operations: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(['provision', 'grant', 'revoke', 'delete', 'rename']),
        serverId: z.string(),
        serverName: z.string().nullable(),
        status: z.enum(['pending', 'running', 'done', 'failed', 'cancelled']),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
        createdAt: z.string(),
        appliedAt: z.string().nullable(),
        nextAttemptAt: z.string(),
      }),
    ),
    operationsTotal: z.number().int(),
  })
  .meta({ id: 'MemberExplanation' });

export function memberLifecycleRoutes(container: Container): RouteModule {
  const { memberLifecycle, memberExplain } = container;
  return (app) => {
    app.get(
      '/admin/members/:id/explain',
      {
        config: { permission: 'members.read' },
        schema: {
          tags: ['members'],
          summary: "Why the member is active or not, what happens next and when, the member's payments and its latest operations",
          params: idParams,
          response: { 200: explainSchema, ...errors },
        },
      },
      (request) => memberExplain.explain(request.params.id),
    );

    app.get(
      '/admin/members/:id/removal',
      {
        config: { permission: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'What deleting this member would remove on each server',
          params: idParams,
          querystring: keepOnServerQuery,
          response: { 200: removalSchema, ...errors },
        },
      },
      (request) => memberLifecycle.removalPreview(request.params.id, request.query.keepOnServer === 'true'),
    );

    app.put(
      '/admin/members/:id/accounts/:accountId/identity',
      {
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary:
            "Change an account's email or username: Jellyfin/Emby rename the user; Plex invites the new account and removes the old share",
          params: idParams.extend({ accountId: z.string().min(1).max(100) }),
          body: z
            .object({
              identifier: z.string().trim().min(1, 'enter the new email or username').max(320, 'the email or username is too long'),
            })
            .strict(),
          response: { 202: z.object({ kind: z.enum(['rename', 'replace']), queued: z.number().int() }), ...errors },
        },
      },
      async (request, reply) =>
        reply
          .code(202)
          .send(await memberLifecycle.changeIdentity(request.params.id, request.params.accountId, request.body.identifier, actor(request))),
    );
  };
}
