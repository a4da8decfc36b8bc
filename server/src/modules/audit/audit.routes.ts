import type { RouteModule } from '../../http/route-module.js';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, offsetOf, pageOf } from '../../http/common-schemas.js';

const entrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actorType: z.string(),
    actorId: z.string().nullable(),
    actorLabel: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    targetName: z.string().nullable().describe('The target’s current name; null when it is gone'),
    ip: z.string().nullable(),
    details: z.unknown(),
  })
  .meta({ id: 'AuditEntry' });

export function auditRoutes(container: Container): RouteModule {
  return (app) => {
    app.get(
      '/admin/audit',
      {
        config: { permission: 'audit.read' },
        schema: {
          tags: ['audit'],
          summary: 'Search the audit log',
          querystring: z.object({
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(50),
            order: z.enum(['asc', 'desc']).default('desc'),
            q: z.string().trim().max(200).optional(),
            action: z.string().max(100).optional(),
            actorId: z.string().max(100).optional(),
            targetType: z.string().max(100).optional(),
            from: z.iso.datetime().optional(),
            to: z.iso.datetime().optional(),
          }),
          response: { 200: pageOf(entrySchema), 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
        },
      },
      async (request) => {
        const q = request.query;
        const result = await container.audit.search({
          q: q.q,
          action: q.action,
          actorId: q.actorId,
          targetType: q.targetType,
          from: q.from,
          to: q.to,
          order: q.order,
          ...offsetOf(q),
        });
        return { ...result, page: q.page, pageSize: q.pageSize };
      },
    );
  };
}
