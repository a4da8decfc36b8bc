import type { RouteModule } from '../../http/route-module.js';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { isMigrated } from '../../db/migrate.js';

export function systemRoutes(container: Container): RouteModule {
  return (app) => {
    app.get(
      '/health',
      { schema: { tags: ['system'], summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } } },
      () => ({ status: 'ok' as const }),
    );

    app.get(
      '/ready',
      {
        schema: {
          tags: ['system'],
          summary: 'The database answers and every migration is applied',
          response: {
            200: z.object({ status: z.literal('ready'), database: z.string() }),
            503: z.object({ status: z.literal('not_ready'), reason: z.string() }),
          },
        },
      },
      async (_request, reply) => {
        try {
          await sql`select 1`.execute(container.database.db);
          if (!(await isMigrated(container.database))) {
            return reply.status(503).send({ status: 'not_ready' as const, reason: 'migrations pending' });
          }
          return { status: 'ready' as const, database: container.database.dialect };
        } catch {
          return reply.status(503).send({ status: 'not_ready' as const, reason: 'database unreachable' });
        }
      },
    );
  };
}
