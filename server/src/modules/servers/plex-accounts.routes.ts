import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams, okSchema } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';

const accountSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    username: z.string().nullable(),
    plexUserId: z.string().nullable(),
    hasPlexPass: z.boolean(),
    detectedPlexPass: z.boolean(),
    plexPassOverride: z.boolean().nullable(),
    tokenStatus: z.string(),
    tokenCheckedAt: z.string().nullable(),
    passwordSet: z.boolean(),
    proxy: z.object({ url: z.string().nullable(), username: z.string().nullable(), passwordSet: z.boolean() }),
    servers: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'PlexAccount' });

const proxyUrl = z.union([z.url({ protocol: /^https?$/ }), z.literal('')]).nullable().optional();
const accountInput = z.object({
  token: z.string().trim().min(1).max(200),
  password: z.string().max(500).nullable().optional(),
  proxyUrl,
  proxyUsername: z.string().max(200).nullable().optional(),
  proxyPassword: z.string().max(500).nullable().optional(),
  plexPassOverride: z.boolean().nullable().optional(),
});
const infoSchema = z.object({ plexUserId: z.string(), username: z.string().nullable(), email: z.string().nullable(), plexPass: z.boolean() });
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 502: errorBodySchema };

export function plexAccountsRoutes(container: Container): RouteModule {
  const { plexAccounts } = container;
  return (app) => {
    app.get(
      '/admin/plex-accounts',
      { config: { permission: 'servers.read' }, schema: { tags: ['servers'], summary: 'Plex accounts', response: { 200: z.object({ items: z.array(accountSchema) }), ...errors } } },
      async () => ({ items: await plexAccounts.list() }),
    );

    app.post(
      '/admin/plex-accounts/test',
      { config: { permission: 'servers.write' }, schema: { tags: ['servers'], summary: 'Test a token (and proxy) without saving', body: accountInput, response: { 200: infoSchema, ...errors } } },
      (request) => plexAccounts.testToken(request.body),
    );

    app.post(
      '/admin/plex-accounts',
      { config: { permission: 'servers.write' }, schema: { tags: ['servers'], summary: 'Add a Plex account by token', body: accountInput, response: { 201: accountSchema, ...errors } } },
      async (request, reply) => reply.status(201).send(await plexAccounts.add(request.body, actor(request))),
    );

    app.patch(
      '/admin/plex-accounts/:id',
      {
        config: { permission: 'servers.write' },
        schema: {
          tags: ['servers'],
          summary: 'Replace the token, password or proxy, or override Plex Pass (null clears a secret, absent keeps it)',
          params: idParams,
          body: accountInput.partial().strict(),
          response: { 200: accountSchema, ...errors },
        },
      },
      (request) => plexAccounts.update(request.params.id, request.body, actor(request)),
    );

    app.delete(
      '/admin/plex-accounts/:id',
      { config: { permission: 'servers.write' }, schema: { tags: ['servers'], summary: 'Delete a Plex account and its servers (members are kept)', params: idParams, response: { 200: okSchema, ...errors } } },
      async (request) => {
        await plexAccounts.delete(request.params.id, actor(request));
        return { ok: true as const };
      },
    );

    app.get(
      '/admin/plex-accounts/:id/servers',
      {
        config: { permission: 'servers.read' },
        schema: {
          tags: ['servers'],
          summary: 'The Plex servers this account owns, with their connections',
          params: idParams,
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  machineId: z.string(),
                  name: z.string(),
                  version: z.string().nullable(),
                  owned: z.boolean(),
                  added: z.boolean(),
                  connections: z.array(z.object({ uri: z.string(), local: z.boolean(), relay: z.boolean() })),
                }),
              ),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const [resources, servers] = await Promise.all([plexAccounts.servers(request.params.id), container.servers.list()]);
        const added = new Set(servers.filter((s) => s.kind === 'plex').map((s) => s.machineId));
        return { items: resources.map((r) => ({ ...r, added: added.has(r.machineId) })) };
      },
    );

    app.post(
      '/admin/plex-accounts/pin',
      {
        config: { permission: 'servers.write' },
        schema: {
          tags: ['servers'],
          summary: 'Start "Sign in with Plex": returns the page to open and the PIN to poll',
          body: z.object({ forwardUrl: z.url().optional() }).strict().nullish(),
          response: { 200: z.object({ id: z.string(), code: z.string(), authUrl: z.string(), expiresAt: z.string() }), ...errors },
        },
      },
      (request) => plexAccounts.startPin(request.body?.forwardUrl),
    );

    app.post(
      '/admin/plex-accounts/pin/:id/complete',
      {
        config: { permission: 'servers.write' },
        schema: {
          tags: ['servers'],
          summary: 'Poll the PIN; once approved, add (or refresh) the Plex account with its token',
          params: idParams,
          body: z.object({ proxyUrl, proxyUsername: z.string().max(200).nullable().optional(), proxyPassword: z.string().max(500).nullable().optional() }).strict().nullish(),
          response: { 200: z.object({ status: z.enum(['waiting', 'expired', 'added']), account: accountSchema.optional() }), ...errors },
        },
      },
      async (request) => {
        const state = await plexAccounts.pollPin(request.params.id);
        if (state.status !== 'approved') return { status: state.status };
        return { status: 'added' as const, account: await plexAccounts.addOrRefresh({ ...request.body, token: state.token }, actor(request)) };
      },
    );
  };
}
