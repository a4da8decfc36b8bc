import { z } from 'zod';
import type { Container } from '../../container.js';
import { emptyBody, errorBodySchema } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';
import type { AccessPassResult } from './access-changes.js';

const changeSchema = z
  .object({
    serverId: z.string(),
    serverName: z.string(),
    serverKind: z.enum(['plex', 'jellyfin', 'emby']),
    memberId: z.string(),
    memberLabel: z.string(),
    kind: z.enum(['provision', 'grant', 'revoke', 'delete', 'rename']),
    phase: z.enum(['active', 'grace', 'expired', 'delete']),
    planName: z.string().nullable(),
    /** Library titles (remote ids when the library is unknown); 'all' when the account sees every library. */
    librariesBefore: z.union([z.array(z.string()), z.literal('all')]),
    librariesAfter: z.array(z.string()),
    allowDownloadsBefore: z.boolean(),
    /** null for a revoke or delete. */
    allowDownloadsAfter: z.boolean().nullable(),
    allowTranscoding: z.boolean().nullable(),
    sessionCap: z.number().int().nullable(),
  })
  .meta({ id: 'AccessChange' });

const passSchema = z
  .object({
    syncSharedLibraries: z.boolean(),
    computedAt: z.string(),
    members: z.number().int(),
    changes: z.array(changeSchema),
    skipped: z.array(
      z.object({
        serverId: z.string(),
        serverName: z.string(),
        memberId: z.string(),
        memberLabel: z.string(),
        reason: z.enum(['protected_account', 'no_libraries']),
      }),
    ),
    unconfiguredServers: z.array(z.object({ serverId: z.string(), serverName: z.string() })),
    enqueued: z.number().int(),
    /** Members without an account and the server placement chose for them; their provision is among the changes. */
    placements: z.array(
      z.object({ memberId: z.string(), memberLabel: z.string(), serverId: z.string(), serverName: z.string(), rule: z.string() }),
    ),
    /** Active members no server can take: nothing is done for them until one can. */
    unplaced: z.array(z.object({ memberId: z.string(), memberLabel: z.string(), message: z.string() })),
  })
  .meta({ id: 'AccessPass' });

const errors = { 401: errorBodySchema, 403: errorBodySchema };

function view(pass: AccessPassResult): z.infer<typeof passSchema> {
  return {
    syncSharedLibraries: pass.syncSharedLibraries,
    computedAt: pass.computedAt,
    members: pass.members,
    changes: pass.changes,
    skipped: pass.skipped,
    unconfiguredServers: pass.unconfiguredServers,
    enqueued: pass.enqueued,
    placements: pass.placements,
    unplaced: pass.unplaced,
  };
}

export function accessRoutes(container: Container): RouteModule {
  const { access, audit } = container;
  return (app) => {
    app.get(
      '/admin/access/dry-run',
      {
        config: { permission: 'servers.read' },
        schema: {
          tags: ['access'],
          summary: 'Every change a reconcile pass would make now, per server and member (from what the last sync saw)',
          response: { 200: passSchema, ...errors },
        },
      },
      async () => view(await access.computePlan()),
    );

    app.post(
      '/admin/access/sync-now',
      {
        config: { permission: 'servers.write' },
        schema: {
          tags: ['access'],
          summary: 'Run a full pass now: queue the changes when "Sync shared libraries" is on, only compute them otherwise',
          body: emptyBody,
          response: { 200: passSchema, ...errors },
        },
      },
      async (request) => {
        const pass = await access.reconcileAll();
        await audit.record(actor(request), 'access.sync_now', undefined, {
          changes: pass.changes.length,
          enqueued: pass.enqueued,
          writes: pass.syncSharedLibraries,
        });
        return view(pass);
      },
    );
  };
}
