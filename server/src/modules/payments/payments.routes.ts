import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams, okSchema } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';

export const paymentSchema = z
  .object({
    id: z.string(),
    memberId: z.string(),
    planId: z.string(),
    planName: z.string(),
    amountMinor: z.number().int(),
    currency: z.string(),
    from: z.string(),
    to: z.string(),
    gateway: z.string(),
    transactionId: z.string().nullable(),
    sequenceNumber: z.number().int(),
    subscriptionId: z.string().nullable(),
    payerEmail: z.string().nullable(),
    notes: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
  })
  .meta({ id: 'Payment' });

const fields = {
  planId: z.string().min(1).max(100),
  amountMinor: z
    .number()
    .int('the amount is a whole number of minor units (cents)')
    .min(0, 'the amount cannot be negative')
    .max(1_000_000_000, 'the amount is too large'),
  from: z.iso.datetime({ offset: true, message: 'from is an ISO 8601 date and time' }),
  to: z.iso.datetime({ offset: true, message: 'to is an ISO 8601 date and time' }),
  transactionId: z.string().trim().max(200, 'the transaction id is at most 200 characters').nullable(),
  sequenceNumber: z.number().int('the sequence number is a whole number').min(0, 'the sequence number cannot be negative').max(1_000_000),
  subscriptionId: z.string().trim().max(200, 'the subscription id is at most 200 characters').nullable(),
  payerEmail: z.union([z.email('the payer email is not an email address'), z.literal('')]).nullable(),
  notes: z.string().max(2000, 'the notes are at most 2000 characters').nullable(),
};
const createBody = z.object(fields).partial().required({ planId: true }).strict();
const patchBody = z.object(fields).partial().strict();

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function paymentsRoutes(container: Container): RouteModule {
  const { payments } = container;
  return (app) => {
    app.get(
      '/admin/members/:id/payments',
      {
        config: { permission: 'payments.read' },
        schema: {
          tags: ['payments'],
          summary: "A member's payments, newest period first",
          params: idParams,
          response: { 200: z.object({ items: z.array(paymentSchema) }), ...errors },
        },
      },
      async (request) => ({ items: await payments.list(request.params.id) }),
    );

    app.post(
      '/admin/members/:id/payments',
      {
        config: { permission: 'payments.write' },
        schema: {
          tags: ['payments'],
          summary: 'Record a manual payment; the period defaults to the next pay-as-you-go period of the plan',
          params: idParams,
          body: createBody,
          response: { 201: paymentSchema, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await payments.add(request.params.id, request.body, actor(request))),
    );

    app.patch(
      '/admin/payments/:id',
      {
        config: { permission: 'payments.write' },
        schema: {
          tags: ['payments'],
          summary: 'Correct a payment',
          params: idParams,
          body: patchBody,
          response: { 200: paymentSchema, ...errors },
        },
      },
      (request) => payments.update(request.params.id, request.body, actor(request)),
    );

    app.delete(
      '/admin/payments/:id',
      {
        config: { permission: 'payments.write' },
        schema: {
          tags: ['payments'],
          summary: 'Delete a payment (the member may become expired)',
          params: idParams,
          response: { 200: okSchema, ...errors },
        },
      },
      async (request) => {
        await payments.delete(request.params.id, actor(request));
        return { ok: true as const };
      },
    );
  };
}
