import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

const memberDevicesSchema = z
  .object({
    items: z.array(
      z.object({
        serverId: z.string(),
        serverName: z.string(),
        cap: z.number().int().nullable().describe("The member's plan's max Emby devices; null: no limit"),
        error: z.string().nullable().describe('The server could not be read'),
        devices: z.array(z.object({ id: z.string(), name: z.string(), app: z.string().nullable(), lastActiveAt: z.string().nullable() })),
      }),
    ),
  })
  .meta({ id: 'MemberDevices' });

export function embyDevicesRoutes(container: Container): RouteModule {
  const { embyDevices } = container;
  return (app) => {
    app.get(
      '/admin/members/:id/devices',
      {
        config: { permission: 'members.read' },
        schema: {
          tags: ['members'],
          summary: "The member's devices on each Emby server they have an account on, most recently used first",
          params: idParams,
          response: { 200: memberDevicesSchema, ...errors },
        },
      },
      async (request) => ({ items: await embyDevices.forMember(request.params.id) }),
    );

    app.delete(
      '/admin/members/:id/devices/:serverId/:deviceId',
      {
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Delete one of the member’s devices on an Emby server (it is signed out there)',
          params: idParams.extend({ serverId: z.string().min(1).max(100), deviceId: z.string().min(1).max(200) }),
          response: { 200: z.object({ deleted: z.literal(true) }), ...errors },
        },
      },
      async (request) => {
        await embyDevices.deleteForMember(request.params.id, request.params.serverId, request.params.deviceId, actor(request));
        return { deleted: true as const };
      },
    );
  };
}
