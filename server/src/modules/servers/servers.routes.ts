import { z } from 'zod';
import type { Container } from '../../container.js';
import { emptyBody, errorBodySchema, idParams, okSchema } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';
import { MAX_USERS_LIMIT, MAX_USERS_MESSAGES } from '../../domain/server-capacity.js';

const serverSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['plex', 'jellyfin', 'emby']),
    name: z.string(),
    machineId: z.string().nullable(),
    version: z.string().nullable(),
    plexAccountId: z.string().nullable(),
    url: z.string(),
    apiKeySet: z.boolean(),
    allowSelfSigned: z.boolean(),
    locationId: z.string().nullable(),
    enabled: z.boolean(),
    allowNewSubscriptions: z.boolean(),
    allowTrials: z.boolean(),
    maxUsers: z.number().int(),
    allow4kTranscoding: z.boolean(),
    logStreaming: z.boolean(),
    logDownloads: z.boolean(),
    hasEmbyPremiere: z.boolean(),
    status: z.string(),
    statusMessage: z.string().nullable(),
    members: z.number().int(),
    membersImported: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Server' });

const options = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  locationId: z.string().max(100).nullable().optional(),
  enabled: z.boolean().optional(),
  allowNewSubscriptions: z.boolean().optional(),
  allowTrials: z.boolean().optional(),
  // No coercion and no clamping: -3 or 2.5 is refused, never turned into 0 (unlimited).
  maxUsers: z
    .number({ error: MAX_USERS_MESSAGES.integer })
    .int({ error: MAX_USERS_MESSAGES.integer })
    .min(0, { error: MAX_USERS_MESSAGES.min })
    .max(MAX_USERS_LIMIT, { error: MAX_USERS_MESSAGES.max })
    .optional(),
  allow4kTranscoding: z.boolean().optional(),
  logStreaming: z.boolean().optional(),
  logDownloads: z.boolean().optional(),
  hasEmbyPremiere: z.boolean().optional(),
});
const connection = z.object({
  kind: z.enum(['plex', 'jellyfin', 'emby']),
  url: z.url({ protocol: /^https?$/ }).max(500),
  apiKey: z.string().trim().min(1).max(200).optional(),
  allowSelfSigned: z.boolean().optional(),
  plexAccountId: z.string().max(100).optional(),
  machineId: z.string().max(200).optional(),
});
const identitySchema = z.object({
  machineId: z.string(),
  name: z.string(),
  version: z.string(),
  premium: z.boolean().optional(),
  product: z.enum(['plex', 'jellyfin', 'emby']).optional(),
});
const warningSchema = z.object({ field: z.string(), code: z.string(), message: z.string() });
const savedServerSchema = serverSchema.extend({ warnings: z.array(warningSchema) }).meta({ id: 'SavedServer' });
const heldCountsSchema = z.object({ stored: z.number().int(), seen: z.number().int(), removing: z.number().int() });
const syncResultSchema = z.object({
  serverId: z.string(),
  serverName: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
  libraries: z.object({ added: z.number(), updated: z.number(), removed: z.number() }),
  accounts: z.object({ added: z.number(), updated: z.number(), gone: z.number(), imported: z.number(), awaitingImport: z.number() }),
  held: z.object({ accounts: heldCountsSchema, libraries: heldCountsSchema }).optional(),
});
const locationSchema = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), servers: z.number().int() }).meta({ id: 'ServerLocation' });
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 502: errorBodySchema };


export function serversRoutes(container: Container): RouteModule {
  const { servers, sync, jobs } = container;
  return (app) => {
    app.get(
      '/admin/servers',
      { config: { permission: 'servers.read' }, schema: { tags: ['servers'], summary: 'Media servers with their capacity', response: { 200: z.object({ items: z.array(serverSchema) }), ...errors } } },
      async () => ({ items: await servers.list() }),
    );

    app.post(
      '/admin/servers/test',
      { config: { permission: 'servers.write' }, schema: { tags: ['servers'], summary: 'Test a connection without saving', body: connection, response: { 200: identitySchema, ...errors } } },
      (request) => servers.testConnection(request.body),
    );

    app.post(
      '/admin/servers',
      {
        config: { permission: 'servers.write' },
        schema: { tags: ['servers'], summary: 'Add a server (it starts disabled unless enabled is given)', body: connection.extend(options.shape), response: { 201: savedServerSchema, ...errors } },
      },
      async (request, reply) => reply.status(201).send(await servers.add(request.body, actor(request))),
    );

    app.patch(
      '/admin/servers/:id',
      {
        config: { permission: 'servers.write' },
        schema: {
          tags: ['servers'],
          summary: 'Edit a server; a new URL, API key or (Plex, after a reinstall) machine id is tested before it is saved',
          params: idParams,
          body: options.extend({ url: connection.shape.url.optional(), apiKey: connection.shape.apiKey, allowSelfSigned: z.boolean().optional(), machineId: connection.shape.machineId }).strict(),
          response: { 200: savedServerSchema, ...errors },
        },
      },
      (request) => servers.update(request.params.id, request.body, actor(request)),
    );

    app.delete(
      '/admin/servers/:id',
      { config: { permission: 'servers.write' }, schema: { tags: ['servers'], summary: 'Delete a server from Usher (nothing changes on the server)', params: idParams, response: { 200: okSchema, ...errors } } },
      async (request) => {
        await servers.delete(request.params.id, actor(request));
        return { ok: true as const };
      },
    );

    app.post(
      '/admin/servers/:id/sync',
      { config: { permission: 'servers.write' }, schema: { tags: ['servers'], summary: 'Sync one server now and report what changed', params: idParams, body: emptyBody, response: { 200: syncResultSchema, ...errors } } },
      async (request) => sync.syncServer(await servers.get(request.params.id)),
    );

    app.post(
      '/admin/servers/:id/held-removals/apply',
      {
        config: { permission: 'servers.write' },
        schema: {
          tags: ['servers'],
          summary: 'Apply the removals a sync held back as too many, then sync the server',
          params: idParams,
          body: emptyBody,
          response: { 200: z.object({ accountsRemoved: z.number().int(), librariesRemoved: z.number().int(), sync: syncResultSchema }), ...errors },
        },
      },
      async (request) => sync.applyHeldRemovals(await servers.get(request.params.id), actor(request)),
    );

    app.post(
      '/admin/servers/sync',
      {
        config: { permission: 'servers.write' },
        schema: { tags: ['servers'], summary: 'Sync every server now (progress on the Jobs page)', body: emptyBody, response: { 202: z.object({ runId: z.string() }), ...errors } },
      },
      async (_request, reply) => reply.status(202).send(await jobs.runNow('servers.sync')),
    );

    app.get(
      '/admin/server-locations',
      { config: { permission: 'servers.read' }, schema: { tags: ['servers'], summary: 'Server locations', response: { 200: z.object({ items: z.array(locationSchema) }), ...errors } } },
      async () => ({ items: await servers.listLocations() }),
    );

    app.post(
      '/admin/server-locations',
      { config: { permission: 'servers.write' }, schema: { tags: ['servers'], summary: 'Add a location', body: z.object({ name: z.string().trim().min(1).max(100) }), response: { 201: z.object({ id: z.string(), name: z.string() }), ...errors } } },
      async (request, reply) => reply.status(201).send(await servers.addLocation(request.body.name, actor(request))),
    );

    app.patch(
      '/admin/server-locations/:id',
      { config: { permission: 'servers.write' }, schema: { tags: ['servers'], summary: 'Rename a location', params: idParams, body: z.object({ name: z.string().trim().min(1).max(100) }), response: { 200: okSchema, ...errors } } },
      async (request) => {
        await servers.renameLocation(request.params.id, request.body.name, actor(request));
        return { ok: true as const };
      },
    );

    app.delete(
      '/admin/server-locations/:id',
      { config: { permission: 'servers.write' }, schema: { tags: ['servers'], summary: 'Delete a location (its servers keep running, without a location)', params: idParams, response: { 200: okSchema, ...errors } } },
      async (request) => {
        await servers.deleteLocation(request.params.id, actor(request));
        return { ok: true as const };
      },
    );
  };
}
