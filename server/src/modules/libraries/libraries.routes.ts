import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams, okSchema } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';

const librarySchema = z
  .object({
    id: z.string(),
    serverId: z.string(),
    serverName: z.string(),
    remoteId: z.string(),
    title: z.string(),
    type: z.string(),
    groupId: z.string(),
    groupName: z.string(),
    itemCount: z.number().int().nullable(),
    removedAt: z.string().nullable(),
  })
  .meta({ id: 'Library' });
const groupSchema = z
  .object({ id: z.string(), name: z.string(), builtin: z.enum(['private', 'standard', 'premium4k']).nullable(), locked: z.boolean(), libraries: z.number().int() })
  .meta({ id: 'LibraryGroup' });
const nameBody = z.object({ name: z.string().trim().min(1).max(60) });
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function librariesRoutes(container: Container): RouteModule {
  const { libraries } = container;
  return (app) => {
    app.get(
      '/admin/libraries',
      {
        config: { permission: 'servers.read' },
        schema: {
          tags: ['libraries'],
          summary: 'Synced libraries with their group',
          querystring: z.object({ serverId: z.string().max(100).optional(), groupId: z.string().max(100).optional(), includeRemoved: z.enum(['true', 'false']).default('false') }),
          response: { 200: z.object({ items: z.array(librarySchema) }), ...errors },
        },
      },
      async (request) => ({ items: await libraries.list({ ...request.query, includeRemoved: request.query.includeRemoved === 'true' }) }),
    );

    app.put(
      '/admin/libraries/:id/group',
      { config: { permission: 'servers.write' }, schema: { tags: ['libraries'], summary: 'Put a library in a group', params: idParams, body: z.object({ groupId: z.string().min(1).max(100) }), response: { 200: okSchema, ...errors } } },
      async (request) => {
        await libraries.setGroup(request.params.id, request.body.groupId, actor(request));
        return { ok: true as const };
      },
    );

    app.get(
      '/admin/library-groups',
      { config: { permission: 'servers.read' }, schema: { tags: ['libraries'], summary: 'Library groups', response: { 200: z.object({ items: z.array(groupSchema) }), ...errors } } },
      async () => ({ items: await libraries.listGroups() }),
    );

    app.post(
      '/admin/library-groups',
      { config: { permission: 'servers.write' }, schema: { tags: ['libraries'], summary: 'Add a library group', body: nameBody, response: { 201: z.object({ id: z.string(), name: z.string() }), ...errors } } },
      async (request, reply) => reply.status(201).send(await libraries.addGroup(request.body.name, actor(request))),
    );

    app.patch(
      '/admin/library-groups/:id',
      { config: { permission: 'servers.write' }, schema: { tags: ['libraries'], summary: 'Rename a group (not Private or Standard)', params: idParams, body: nameBody, response: { 200: okSchema, ...errors } } },
      async (request) => {
        await libraries.renameGroup(request.params.id, request.body.name, actor(request));
        return { ok: true as const };
      },
    );

    app.delete(
      '/admin/library-groups/:id',
      { config: { permission: 'servers.write' }, schema: { tags: ['libraries'], summary: 'Delete a group; its libraries go back to Private', params: idParams, response: { 200: okSchema, ...errors } } },
      async (request) => {
        await libraries.deleteGroup(request.params.id, actor(request));
        return { ok: true as const };
      },
    );
  };
}
