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

export function memberLifecycleRoutes(container: Container): RouteModule {
  const { memberLifecycle } = container;
  return (app) => {
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
