import type { RouteModule } from '../../http/route-module.js';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, offsetOf, pageOf } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';

const alertSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    kind: z.string(),
    severity: z.enum(['info', 'warning', 'error']),
    title: z.string(),
    message: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: 'Alert' });

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

export function alertsRoutes(container: Container): RouteModule {
  const { alerts } = container;
  return (app) => {
    app.get(
      '/admin/alerts',
      {
        config: { permission: 'alerts.read' },
        schema: {
          tags: ['alerts'],
          summary: 'Admin alerts, newest first',
          querystring: z.object({
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(25),
            unread: z.enum(['true', 'false']).default('false'),
          }),
          response: { 200: pageOf(alertSchema).extend({ unread: z.number().int() }), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const result = await alerts.list({ unreadOnly: q.unread === 'true', ...offsetOf(q) });
        return { ...result, page: q.page, pageSize: q.pageSize, unread: await alerts.unreadCount() };
      },
    );

    app.get(
      '/admin/alerts/unread-count',
      { config: { permission: 'alerts.read' }, schema: { tags: ['alerts'], summary: 'The badge number', response: { 200: z.object({ unread: z.number().int() }), ...errors } } },
      async () => ({ unread: await alerts.unreadCount() }),
    );

    app.post(
      '/admin/alerts/read',
      {
        config: { permission: 'alerts.write' },
        schema: {
          tags: ['alerts'],
          summary: 'Mark alerts read (the given ids, or all)',
          body: z.union([z.object({ ids: z.array(z.string().max(100)).min(1).max(500) }), z.object({ all: z.literal(true) })]),
          response: { 200: z.object({ marked: z.number().int() }), ...errors },
        },
      },
      async (request) => {
        const marked = await alerts.markRead('all' in request.body ? 'all' : request.body.ids);
        await container.audit.record(actor(request), 'alerts.mark_read', undefined, { marked });
        return { marked };
      },
    );
  };
}
