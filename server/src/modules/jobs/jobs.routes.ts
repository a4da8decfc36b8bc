import type { RouteModule } from '../../http/route-module.js';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, offsetOf, pageOf } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';

const runSchema = z
  .object({
    id: z.string(),
    job: z.string(),
    trigger: z.enum(['schedule', 'manual']),
    status: z.enum(['running', 'succeeded', 'failed']),
    tick: z.string().nullable().describe('The scheduled instant this run serves; null for a manual run'),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    progress: z.number().min(0).max(1).nullable(),
    message: z.string().nullable(),
    error: z.string().nullable(),
    instanceId: z.string().nullable(),
  })
  .meta({ id: 'JobRun' });

const jobSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    cron: z.string().describe('UTC; 5 fields, or 6 with seconds first'),
    nextRunAt: z.string().nullable(),
    running: z.boolean().describe('A run is in progress on the instance that answered'),
    lastRun: runSchema.nullable(),
    idleRuns: z
      .object({ count: z.number().int(), lastAt: z.string(), lastMessage: z.string().nullable() })
      .nullable()
      .describe('Scheduled runs that found nothing to do; counted, not listed'),
  })
  .meta({ id: 'Job' });

const jobName = z.string().min(1).max(100);
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

export function jobsRoutes(container: Container): RouteModule {
  const { jobs } = container;
  return (app) => {
    app.get(
      '/admin/jobs',
      {
        config: { permission: 'jobs.read' },
        schema: {
          tags: ['jobs'],
          summary: 'Usher’s jobs with their schedule, next run and last run',
          response: {
            200: z.object({
              items: z.array(jobSchema),
              schedulerRunning: z.boolean().describe('Whether the instance that answered runs scheduled jobs'),
            }),
            ...errors,
          },
        },
      },
      async () => ({ items: await jobs.list(), schedulerRunning: jobs.schedulerRunning }),
    );

    app.get(
      '/admin/jobs/runs',
      {
        config: { permission: 'jobs.read' },
        schema: {
          tags: ['jobs'],
          summary: 'Job runs, newest first, optionally of one job',
          querystring: z.object({
            job: jobName.optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(25),
          }),
          response: { 200: pageOf(runSchema), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const result = await jobs.listRuns({ ...(q.job ? { job: q.job } : {}), ...offsetOf(q) });
        return { ...result, page: q.page, pageSize: q.pageSize };
      },
    );

    app.get(
      '/admin/jobs/runs/:id',
      {
        config: { permission: 'jobs.read' },
        schema: {
          tags: ['jobs'],
          summary: 'One run, for following its progress',
          params: z.object({ id: z.string().min(1).max(100) }),
          response: { 200: runSchema, 404: errorBodySchema, ...errors },
        },
      },
      async (request) => jobs.getRun(request.params.id),
    );

    app.post(
      '/admin/jobs/:name/run',
      {
        config: { permission: 'jobs.write' },
        schema: {
          tags: ['jobs'],
          summary: 'Run a job now on this instance; follow it with GET /admin/jobs/runs/{id}',
          params: z.object({ name: jobName }),
          response: { 202: z.object({ runId: z.string() }), 404: errorBodySchema, 409: errorBodySchema, ...errors },
        },
      },
      async (request, reply) => {
        const { runId } = await jobs.runNow(request.params.name);
        await container.audit.record(actor(request), 'jobs.run', { type: 'job', id: request.params.name }, { runId });
        return reply.status(202).send({ runId });
      },
    );
  };
}
