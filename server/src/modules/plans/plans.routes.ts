import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams, okSchema } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';

const limit = (max: number, what: string) => z.number().int(`${what} is a whole number`).min(0, `${what} cannot be negative`).max(max, `${what} is at most ${max}`);

const durationSchema = z
  .object({ unit: z.enum(['days', 'months']), count: z.number().int('the duration is a whole number').min(1, 'the duration is at least 1') })
  .refine((d) => d.count <= (d.unit === 'days' ? 3650 : 120), 'the duration is at most 3650 days or 120 months')
  .meta({ id: 'PlanDuration' });

const fields = {
  name: z.string().trim().min(1, 'the name is required').max(100, 'the name is at most 100 characters'),
  description: z.string().trim().max(2000, 'the description is at most 2000 characters'),
  costMinor: limit(1_000_000_000, 'the cost (in minor units)'),
  duration: durationSchema,
  libraryGroupIds: z.array(z.string().max(100)).min(1, 'a plan needs at least one library group').max(100),
  serverIds: z.array(z.string().max(100)).max(500),
  maxStreams: limit(1000, 'max concurrent streams').nullable(),
  streamLimitPolicy: z.enum(['newest', 'all'], { error: 'the stream limit policy is newest or all' }),
  allowDownloads: z.boolean(),
  weeklyDownloadQuota: limit(100_000, 'the weekly download quota').nullable(),
  allowTranscoding: z.boolean(),
  maxEmbyDevices: limit(1000, 'max Emby devices').nullable(),
  maxSubAccounts: limit(50, 'max sub accounts'),
  masterOnly: z.boolean(),
  isDefault: z.boolean(),
  isTrial: z.boolean(),
  trialDays: z.number().int('the trial length is a whole number of days').min(1, 'a trial lasts at least 1 day').max(365, 'a trial lasts at most 365 days').nullable(),
  active: z.boolean(),
  stripePriceId: z.string().trim().regex(/^price_[A-Za-z0-9]+$/, 'a Stripe price ID looks like price_…').nullable(),
  paypalPlanId: z.string().trim().regex(/^P-[A-Z0-9]+$/, 'a PayPal plan ID looks like P-…').nullable(),
};

const createBody = z.object({
  ...fields,
  description: fields.description.default(''),
  serverIds: fields.serverIds.default([]),
  maxStreams: fields.maxStreams.default(null),
  streamLimitPolicy: fields.streamLimitPolicy.default('newest'),
  allowDownloads: fields.allowDownloads.default(false),
  weeklyDownloadQuota: fields.weeklyDownloadQuota.default(null),
  allowTranscoding: fields.allowTranscoding.default(true),
  maxEmbyDevices: fields.maxEmbyDevices.default(null),
  maxSubAccounts: fields.maxSubAccounts.default(0),
  masterOnly: fields.masterOnly.default(false),
  isDefault: fields.isDefault.default(false),
  isTrial: fields.isTrial.default(false),
  trialDays: fields.trialDays.default(null),
  active: fields.active.default(true),
  stripePriceId: fields.stripePriceId.default(null),
  paypalPlanId: fields.paypalPlanId.default(null),
});
const patchBody = z.object(fields).partial().strict();

const planSchema = z
  .object({
    id: z.string(),
    ...fields,
    currency: z.string(),
    sortOrder: z.number().int(),
    members: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Plan' });

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function plansRoutes(container: Container): RouteModule {
  const { plans } = container;
  return (app) => {
    app.get(
      '/admin/plans',
      { config: { permission: 'plans.read' }, schema: { tags: ['plans'], summary: 'Every plan, in display order, with how many members have paid for it', response: { 200: z.object({ items: z.array(planSchema) }), ...errors } } },
      async () => ({ items: await plans.list() }),
    );

    app.get(
      '/admin/plans/:id',
      { config: { permission: 'plans.read' }, schema: { tags: ['plans'], summary: 'One plan', params: idParams, response: { 200: planSchema, ...errors } } },
      (request) => plans.get(request.params.id),
    );

    app.post(
      '/admin/plans',
      { config: { permission: 'plans.write' }, schema: { tags: ['plans'], summary: 'Create a plan (priced in the site currency)', body: createBody, response: { 201: planSchema, ...errors } } },
      async (request, reply) => reply.status(201).send(await plans.create(request.body, actor(request))),
    );

    app.patch(
      '/admin/plans/:id',
      {
        config: { permission: 'plans.write' },
        schema: { tags: ['plans'], summary: 'Change a plan; active: false stops offering it, its members keep it', params: idParams, body: patchBody, response: { 200: planSchema, ...errors } },
      },
      (request) => plans.update(request.params.id, request.body, actor(request)),
    );

    app.delete(
      '/admin/plans/:id',
      { config: { permission: 'plans.write' }, schema: { tags: ['plans'], summary: 'Delete a plan nobody has paid for (409 with the member count otherwise)', params: idParams, response: { 200: okSchema, ...errors } } },
      async (request) => {
        await plans.delete(request.params.id, actor(request));
        return { ok: true as const };
      },
    );

    app.put(
      '/admin/plans/order',
      {
        config: { permission: 'plans.write' },
        schema: { tags: ['plans'], summary: 'Set the display order of every plan', body: z.object({ ids: z.array(z.string().max(100)).min(1).max(1000) }), response: { 200: okSchema, ...errors } },
      },
      async (request) => {
        await plans.reorder(request.body.ids, actor(request));
        return { ok: true as const };
      },
    );
  };
}
