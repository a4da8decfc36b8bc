import type { RouteModule } from '../../http/route-module.js';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams, okSchema } from '../../http/common-schemas.js';
import { actor, ceiling } from '../../http/guards.js';

const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    roleId: z.string(),
    roleName: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

export function apiKeysRoutes(container: Container): RouteModule {
  const { apiKeys } = container;
  return (app) => {
    app.get(
      '/admin/api-keys',
      { config: { permission: 'apikeys.read' }, schema: { tags: ['api-keys'], summary: 'List API keys', response: { 200: z.object({ items: z.array(apiKeySchema) }), ...errors } } },
      async () => ({ items: await apiKeys.list() }),
    );

    app.post(
      '/admin/api-keys',
      {
        config: { permission: 'apikeys.write' },
        schema: {
          tags: ['api-keys'],
          summary: 'Create an API key scoped to a role; the key is shown only in this response',
          body: z.object({ name: z.string().trim().min(1).max(100), roleId: z.string().min(1).max(100) }),
          response: { 201: z.object({ id: z.string(), key: z.string() }), ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await apiKeys.create(request.body, actor(request), ceiling(request))),
    );

    app.delete(
      '/admin/api-keys/:id',
      { config: { permission: 'apikeys.write' }, schema: { tags: ['api-keys'], summary: 'Revoke an API key', params: idParams, response: { 200: okSchema, ...errors } } },
      async (request) => {
        await apiKeys.revoke(request.params.id, actor(request), ceiling(request));
        return { ok: true as const };
      },
    );
  };
}
