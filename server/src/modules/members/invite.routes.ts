import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';
import { memberDetail } from './members.routes.js';

const optionalEmail = (what: string) =>
  z
    .union([z.email(`the ${what} is not an email address`).max(320), z.literal('')])
    .nullable()
    .optional();
const optionalText = (what: string, max: number) => z.string().max(max, `the ${what} is at most ${max} characters`).nullable().optional();

export const inviteBody = z
  .object({
    email: optionalEmail('email'),
    username: optionalText('username', 100),
    planId: z.string().min(1, 'choose a plan'),
    serverId: z.string().nullable().optional().describe('null or absent: automatic placement'),
    locationId: z.string().nullable().optional().describe('Preferred server location for automatic placement'),
    paypalEmail: optionalEmail('PayPal email'),
    transactionId: optionalText('transaction id', 200),
    sequenceNumber: z
      .number()
      .int('the sequence number is a whole number')
      .min(0, 'the sequence number cannot be negative')
      .max(10_000)
      .optional(),
    subscriptionId: optionalText('subscription id', 200),
    amountMinor: z
      .number()
      .int('the amount is in minor units (cents)')
      .min(0, 'the amount cannot be negative')
      .max(100_000_000, 'the amount is too large')
      .optional(),
    period: z
      .union([
        z
          .object({
            from: z.iso.datetime({ offset: true, message: 'from is an ISO 8601 date and time' }),
            to: z.iso.datetime({ offset: true, message: 'to is an ISO 8601 date and time' }),
          })
          .strict(),
        z
          .object({ periods: z.number().int('periods is a whole number').min(1, 'at least one period').max(120, 'at most 120 periods') })
          .strict(),
      ])
      .optional()
      .describe('The paid period: from/to, or a number of plan periods from now; default one period'),
    sendNotification: z.boolean().optional(),
  })
  .strict();

const inviteResult = z
  .object({
    memberId: z.string(),
    paymentId: z.string(),
    serverId: z.string(),
    serverName: z.string(),
    placementRule: z.string(),
    notification: z.enum(['after_provision', 'none']),
    member: memberDetail,
  })
  .meta({ id: 'InviteResult' });

const placementSchema = z
  .object({
    serverId: z.string().nullable(),
    serverName: z.string().nullable(),
    rule: z.string().nullable().describe("'manual' (chosen by the admin) or the placement rule that chose the server"),
    preferredLocationId: z.string().nullable(),
    error: z.string().nullable().describe('Why no server can take the member; null once placed'),
    decidedAt: z.string(),
  })
  .meta({ id: 'MemberPlacement' });

const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  422: errorBodySchema,
};

export function inviteRoutes(container: Container): RouteModule {
  const { invites } = container;
  return (app) => {
    app.get(
      '/admin/members/:id/placement',
      {
        config: { permission: 'members.read' },
        schema: {
          tags: ['members'],
          summary: 'Where the access engine or an invite placed the member (reference §6.14), or why no server could take them',
          params: idParams,
          response: { 200: z.object({ placement: placementSchema.nullable() }), ...errors },
        },
      },
      async (request) => ({ placement: await invites.placementOf(request.params.id) }),
    );

    app.post(
      '/admin/members/invite',
      {
        config: { permission: 'members.write' },
        schema: {
          tags: ['members'],
          summary:
            'Invite a member (reference §6.6): creates the member and a manual payment, places them and shares or provisions on that server',
          body: inviteBody,
          response: { 201: inviteResult, ...errors },
        },
      },
      async (request, reply) => {
        const result = await invites.inviteAndDescribe(request.body, actor(request));
        return reply.status(201).send(result);
      },
    );
  };
}
