import { z } from 'zod';
import type { Container } from '../../container.js';
import { emptyBody, errorBodySchema, idParams, offsetOf, pageOf } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';
import { OPERATION_STATUSES, type OperationRecord } from './operations.repository.js';

const statusSchema = z.enum(OPERATION_STATUSES);

const operationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['provision', 'grant', 'revoke', 'delete', 'rename']),
    memberId: z.string(),
    memberLabel: z.string().nullable(),
    serverId: z.string(),
    serverName: z.string().nullable(),
    remoteId: z.string().nullable(),
    /** Provision: the email/username invited or created. */
    identifier: z.string().nullable(),
    /** Provision/grant: the remote library ids given, with the options. */
    grant: z
      .object({ libraries: z.array(z.string()), allowDownloads: z.boolean(), allowTranscoding: z.boolean(), sessionCap: z.number().int() })
      .nullable(),
    status: statusSchema,
    attempts: z.number().int(),
    nextAttemptAt: z.string(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    appliedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Operation' });

const countsSchema = z.object({ pending: z.number().int(), running: z.number().int(), failed: z.number().int() }).meta({ id: 'OperationCounts' });

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

function view(op: OperationRecord & { serverName?: string | null; memberLabel?: string | null }): z.infer<typeof operationSchema> {
  const p = op.payload;
  return {
    id: op.id,
    kind: op.kind,
    memberId: op.memberId,
    memberLabel: op.memberLabel ?? null,
    serverId: op.serverId,
    serverName: op.serverName ?? null,
    remoteId: op.remoteId,
    identifier: p.kind === 'provision' ? p.identifier : null,
    grant: p.kind === 'provision' || p.kind === 'grant' ? p.grant : null,
    status: op.status,
    attempts: op.attempts,
    nextAttemptAt: op.nextAttemptAt,
    lastError: op.lastError,
    createdAt: op.createdAt,
    appliedAt: op.appliedAt,
    updatedAt: op.updatedAt,
  };
}

export function operationsRoutes(container: Container): RouteModule {
  const { operations } = container;
  return (app) => {
    app.get(
      '/admin/operations',
      {
        config: { permission: 'operations.read' },
        schema: {
          tags: ['operations'],
          summary: 'Remote access operations (provision, grant, revoke, delete, rename), newest first',
          querystring: z.object({
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(25),
            /** One status or several, comma-separated. */
            status: z
              .string()
              .max(100)
              .optional()
              .transform((v, ctx) => {
                const list = v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
                const bad = list.filter((s) => !(OPERATION_STATUSES as readonly string[]).includes(s));
                if (bad.length > 0) {
                  ctx.addIssue({ code: 'custom', message: `Unknown status ${bad.join(', ')}; use ${OPERATION_STATUSES.join(', ')}.` });
                  return z.NEVER;
                }
                return list as OperationRecord['status'][];
              }),
            serverId: z.string().max(100).optional(),
            memberId: z.string().max(100).optional(),
          }),
          response: { 200: pageOf(operationSchema).extend({ counts: countsSchema }), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const result = await operations.list({ status: q.status, serverId: q.serverId, memberId: q.memberId, ...offsetOf(q) });
        return { items: result.items.map(view), total: result.total, page: q.page, pageSize: q.pageSize, counts: await operations.counts() };
      },
    );

    app.get(
      '/admin/operations/counts',
      { config: { permission: 'operations.read' }, schema: { tags: ['operations'], summary: 'Pending, running and failed operations (the badge)', response: { 200: countsSchema, ...errors } } },
      () => operations.counts(),
    );

    app.post(
      '/admin/operations/:id/retry',
      {
        config: { permission: 'operations.write' },
        schema: { tags: ['operations'], summary: 'Try a pending, failed or cancelled operation again now', params: idParams, body: emptyBody, response: { 200: operationSchema, ...errors } },
      },
      async (request) => view(await operations.retry(request.params.id, actor(request))),
    );

    app.post(
      '/admin/operations/:id/cancel',
      {
        config: { permission: 'operations.write' },
        schema: { tags: ['operations'], summary: 'Cancel a pending or failed operation', params: idParams, body: emptyBody, response: { 200: operationSchema, ...errors } },
      },
      async (request) => view(await operations.cancel(request.params.id, actor(request))),
    );
  };
}
