import type { RouteModule } from '../../http/route-module.js';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams, okSchema } from '../../http/common-schemas.js';
import { actor, ceiling } from '../../http/guards.js';
import { PERMISSIONS } from './permissions.js';

const roleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    builtin: z.enum(['administrator', 'user']).nullable(),
    permissions: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Role' });

const roleBody = z.object({
  name: z.string().trim().min(1).max(60),
  permissions: z.array(z.string().max(60)).max(100),
});

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function rolesRoutes(container: Container): RouteModule {
  const { roles } = container;
  return (app) => {
    app.get(
      '/admin/permissions',
      {
        config: { permission: 'roles.read' },
        schema: {
          tags: ['roles'],
          summary: 'Every permission a custom role can hold',
          response: { 200: z.object({ items: z.array(z.object({ name: z.string(), description: z.string() })) }), ...errors },
        },
      },
      () => ({ items: Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description })) }),
    );

    app.get(
      '/admin/roles',
      { config: { permission: 'roles.read' }, schema: { tags: ['roles'], summary: 'List roles', response: { 200: z.object({ items: z.array(roleSchema) }), ...errors } } },
      async () => ({ items: await roles.list() }),
    );

    app.post(
      '/admin/roles',
      { config: { permission: 'roles.write' }, schema: { tags: ['roles'], summary: 'Create a custom role', body: roleBody, response: { 201: roleSchema, ...errors } } },
      async (request, reply) => reply.status(201).send(await roles.create(request.body, actor(request), ceiling(request))),
    );

    app.patch(
      '/admin/roles/:id',
      {
        config: { permission: 'roles.write' },
        schema: { tags: ['roles'], summary: 'Rename a custom role or change its permissions', params: idParams, body: roleBody.partial(), response: { 200: roleSchema, ...errors } },
      },
      async (request) => roles.update(request.params.id, request.body, actor(request), ceiling(request)),
    );

    app.delete(
      '/admin/roles/:id',
      { config: { permission: 'roles.write' }, schema: { tags: ['roles'], summary: 'Delete an unused custom role', params: idParams, response: { 200: okSchema, ...errors } } },
      async (request) => {
        await roles.delete(request.params.id, actor(request), ceiling(request));
        return { ok: true as const };
      },
    );
  };
}
