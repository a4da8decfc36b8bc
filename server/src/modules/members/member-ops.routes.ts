import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams, okSchema } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';
import { BULK_ACTIONS } from './member-ops.service.js';
import { memberDetail } from './members.routes.js';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };
const optionalEmail = (what: string) => z.union([z.email(`the ${what} is not an email address`).max(320), z.literal('')]).nullable().optional();

const editBody = z
  .object({
    permanent: z.boolean().optional(),
    weeklyDownloadQuota: z.number().int('the weekly download quota is a whole number').min(0, 'the weekly download quota cannot be negative').max(100_000, 'the weekly download quota is too large').nullable().optional()
      .describe('Downloads per week; null: the plan quota applies'),
    email: optionalEmail('email'),
    paypalEmail: optionalEmail('PayPal email'),
    discordId: z.union([z.string().regex(/^\d{17,20}$/, 'a Discord id is 17 to 20 digits'), z.literal('')]).nullable().optional(),
    notes: z.string().max(4000, 'the notes are at most 4000 characters').nullable().optional(),
    requiresPlexAccountChange: z.boolean().optional(),
  })
  .strict();

const subSchema = z.object({ id: z.string(), email: z.string().nullable(), username: z.string().nullable(), displayName: z.string().nullable() }).meta({ id: 'LinkedMember' });

export function memberOpsRoutes(container: Container): RouteModule {
  const { memberOps } = container;
  return (app) => {
    app.patch(
      '/admin/members/:id',
      { config: { permission: 'members.write' }, schema: { tags: ['members'], summary: "Edit a member's own fields (emails, Discord id, notes, quota, flags)", params: idParams, body: editBody, response: { 200: memberDetail, ...errors } } },
      (request) => memberOps.edit(request.params.id, request.body, actor(request)),
    );

    app.post(
      '/admin/members/bulk',
      {
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Extend, make permanent, change plan or delete several members; each member succeeds or fails on its own',
          body: z
            .object({
              ids: z.array(z.string().min(1).max(100)).min(1, 'select at least one member').max(1000, 'at most 1000 members at once'),
              action: z.enum(BULK_ACTIONS),
              days: z.number().int('days is a whole number').min(1, 'extend by at least one day').max(3650, 'extend by at most 3650 days').optional(),
              planId: z.string().min(1).max(100).optional(),
            })
            .strict(),
          response: {
            200: z.object({ results: z.array(z.object({ id: z.string(), ok: z.boolean(), error: z.object({ code: z.string(), message: z.string() }).nullable() })) }),
            ...errors,
          },
        },
      },
      (request) => memberOps.bulk(request.body, actor(request)),
    );

    app.post(
      '/admin/members/:id/merge',
      {
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary: 'Merge this member into another: payments, accounts, login and notes move; this member is deleted',
          params: idParams,
          body: z.object({ targetId: z.string().min(1).max(100) }).strict(),
          response: { 200: memberDetail, ...errors },
        },
      },
      (request) => memberOps.merge(request.params.id, request.body.targetId, actor(request)),
    );

    app.get(
      '/admin/members/:id/subs',
      { config: { permission: 'members.read' }, schema: { tags: ['members'], summary: 'Members linked under this master', params: idParams, response: { 200: z.object({ items: z.array(subSchema) }), ...errors } } },
      async (request) => ({ items: await memberOps.subs(request.params.id) }),
    );

    app.post(
      '/admin/members/:id/subs',
      {
        config: { permission: 'members.write' },
        schema: { tags: ['members'], summary: "Link a member under this master; it then follows the master's status", params: idParams, body: z.object({ subId: z.string().min(1).max(100) }).strict(), response: { 200: okSchema, ...errors } },
      },
      async (request) => {
        await memberOps.link(request.params.id, request.body.subId, actor(request));
        return { ok: true as const };
      },
    );

    app.delete(
      '/admin/members/:id/subs/:subId',
      {
        config: { permission: 'members.write' },
        schema: { tags: ['members'], summary: 'Unlink a member from this master', params: idParams.extend({ subId: z.string().min(1).max(100) }), response: { 200: okSchema, ...errors } },
      },
      async (request) => {
        await memberOps.unlink(request.params.id, request.params.subId, actor(request));
        return { ok: true as const };
      },
    );

    app.get(
      '/admin/members/export.csv',
      {
        config: { permission: 'members.read' },
        schema: { tags: ['members'], summary: 'Every member as CSV: status, plan, expiry, servers', produces: ['text/csv'], response: { 200: z.string(), ...errors } },
      },
      async (_request, reply) => {
        const csv = await memberOps.exportCsv();
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="members.csv"').send(csv);
      },
    );
  };
}
