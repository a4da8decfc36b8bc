import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';
import { INVITE_COLUMNS, MAX_CSV_CHARS } from './bulk-invite.csv.js';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

const body = z
  .object({
    csv: z
      .string()
      .min(1, 'the file is empty')
      .max(MAX_CSV_CHARS, `the file is larger than ${MAX_CSV_CHARS / 1_000_000} MB`)
      .describe(`CSV text with a header row; columns (any order, all but email or username optional): ${INVITE_COLUMNS.join(', ')}`),
  })
  .strict();

const rowCheck = z
  .object({
    row: z.number().int().describe('The file line (the header is line 1)'),
    email: z.string().nullable(),
    username: z.string().nullable(),
    ok: z.boolean(),
    code: z
      .string()
      .nullable()
      .describe('Why the row cannot be invited: bad_email, unknown_plan, duplicate_in_file, member_exists, bad_date, bad_amount …'),
    message: z.string(),
    planName: z.string().nullable(),
    serverName: z.string().nullable(),
  })
  .meta({ id: 'BulkInviteRowCheck' });

const result = z
  .object({
    row: z.number().int(),
    email: z.string().nullable(),
    username: z.string().nullable(),
    result: z.enum(['invited', 'skipped']),
    code: z.string().nullable(),
    message: z.string(),
    memberId: z.string().nullable(),
  })
  .meta({ id: 'BulkInviteResult' });

const view = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'running', 'done', 'failed']),
    rowsTotal: z.number().int(),
    rowsDone: z.number().int(),
    invited: z.number().int(),
    skipped: z.number().int(),
    progress: z.number().min(0).max(1),
    runId: z.string().nullable().describe('The latest job run applying it (see Jobs)'),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    results: z.array(result),
  })
  .meta({ id: 'BulkInvite' });

// The JSON-escaped file can be larger than the file itself.
const bodyLimit = 4 * MAX_CSV_CHARS;

export function bulkInviteRoutes(container: Container): RouteModule {
  const { bulkInvite } = container;
  return (app) => {
    app.post(
      '/admin/members/bulk-invite/dry-run',
      {
        bodyLimit,
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Check a bulk-invite CSV row by row without changing anything',
          body,
          response: {
            200: z.object({ total: z.number().int(), valid: z.number().int(), invalid: z.number().int(), rows: z.array(rowCheck) }),
            ...errors,
          },
        },
      },
      (request) => bulkInvite.dryRun(request.body.csv),
    );

    app.post(
      '/admin/members/bulk-invite',
      {
        bodyLimit,
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Start a background job that re-checks the CSV and invites its good rows, skipping the bad ones',
          body,
          response: {
            202: z.object({ id: z.string(), runId: z.string().nullable(), total: z.number().int(), valid: z.number().int() }),
            ...errors,
          },
        },
      },
      async (request, reply) => reply.code(202).send(await bulkInvite.start(request.body.csv, actor(request))),
    );

    app.get(
      '/admin/members/bulk-invite/:jobId',
      {
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'A bulk invite: its progress and the result of each row applied so far',
          params: z.object({ jobId: z.string().max(100) }),
          querystring: z.object({
            results: z.enum(['true', 'false']).default('true').describe('false: counts only, for polling the progress of a large file'),
          }),
          response: { 200: view, ...errors },
        },
      },
      async (request) => {
        const found = await bulkInvite.view(request.params.jobId);
        return request.query.results === 'false' ? { ...found, results: [] } : found;
      },
    );

    app.get(
      '/admin/members/bulk-invite/:jobId/report.csv',
      {
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'The per-row report of a bulk invite as CSV: row, email, username, result, code, message, member id',
          params: z.object({ jobId: z.string().max(100) }),
          produces: ['text/csv'],
          response: { 200: z.string(), ...errors },
        },
      },
      async (request, reply) => {
        const csv = await bulkInvite.reportCsv(request.params.jobId);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="bulk-invite-${request.params.jobId}.csv"`)
          .send(csv);
      },
    );
  };
}
