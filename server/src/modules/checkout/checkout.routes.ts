import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, idParams } from '../../http/common-schemas.js';
import { actor, requireLogin } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';
import { GATEWAY_ACCOUNTS } from '../payments/gateway-directory.js';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
const mode = z.enum(['one_off', 'recurring']);
const account = z.enum(GATEWAY_ACCOUNTS as unknown as ['stripe', 'paypal', 'paypalSecondary', 'plisio']);
const offerModes = z.array(z.object({ mode, gateways: z.array(z.string()) }));

const optionsSchema = z
  .object({
    currency: z.string(),
    plans: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        description: z.string(),
        priceMinor: z.number().int(),
        period: z.object({ unit: z.enum(['days', 'months']), count: z.number().int() }),
        maxStreams: z.number().int().nullable(),
        allowDownloads: z.boolean(),
        allowTranscoding: z.boolean(),
        includes4k: z.boolean(),
        libraryGroups: z.array(z.string()),
        /** The plan the member is active on now: buying it again extends it. */
        current: z.boolean(),
        modes: offerModes,
        /** Empty unless more than one location has room: then the customer chooses. */
        locations: z.array(z.object({ id: z.string(), name: z.string() })),
      }),
    ),
    gateways: z.array(z.object({ account, kind: z.string(), label: z.string(), modes: z.array(mode) })),
  })
  .meta({ id: 'CheckoutOptions' });

const statusSchema = z
  .object({
    id: z.string(),
    status: z.enum(['open', 'paid', 'failed', 'expired', 'cancelled']),
    plan: z.object({ id: z.string(), name: z.string() }),
    gatewayAccount: account,
    gatewayLabel: z.string(),
    mode,
    amountMinor: z.number().int(),
    currency: z.string(),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    access: z.object({ state: z.enum(['active', 'expired', 'permanent']), until: z.string().nullable() }),
  })
  .meta({ id: 'CheckoutStatus' });

const reasonSchema = z.object({ code: z.string(), scope: z.enum(['plan', 'one_off', 'recurring']), message: z.string() });
const diagnosticsSchema = z
  .object({
    gateways: z.array(account),
    plans: z.array(z.object({ planId: z.string(), name: z.string(), active: z.boolean(), offered: z.boolean(), modes: offerModes, reasons: z.array(reasonSchema) })),
  })
  .meta({ id: 'CheckoutDiagnostics' });

const gatewaysSchema = z
  .object({
    items: z.array(
      z.object({
        account,
        kind: z.enum(['stripe', 'paypal', 'plisio']),
        enabled: z.boolean(),
        configured: z.boolean(),
        webhookUrl: z.string().nullable(),
        capabilities: z.object({ oneOff: z.boolean(), recurring: z.boolean(), refund: z.boolean(), portal: z.boolean(), sync: z.boolean() }).nullable(),
      }),
    ),
  })
  .meta({ id: 'GatewayAccounts' });

/** Checkout for customers (Subscribe, the return page) and what the admin needs to make it work. */
export function checkoutRoutes(container: Container): RouteModule {
  return (app) => {
    app.get(
      '/portal/checkout/options',
      { schema: { tags: ['checkout'], summary: 'The plans you may buy, how you may pay for each, and where', response: { 200: optionsSchema, ...errors } } },
      (request) => container.checkout.options(requireLogin(request).login, actor(request)),
    );

    app.post(
      '/portal/checkouts',
      {
        schema: {
          tags: ['checkout'],
          summary: "Start paying for a plan: returns the gateway's page to send the browser to",
          description: 'Nothing is granted here: access starts when the gateway confirms the payment.',
          body: z
            .object({
              planId: z.string().min(1).max(100),
              mode,
              gatewayAccount: account,
              /** One of the plan's offered locations; omit to let Usher choose. */
              locationId: z.string().max(100).optional(),
            })
            .strict(),
          response: { 201: z.object({ id: z.string(), redirectUrl: z.string() }).meta({ id: 'CheckoutStarted' }), 409: errorBodySchema, 502: errorBodySchema, ...errors },
        },
      },
      async (request, reply) => {
        const started = await container.checkout.start(requireLogin(request).login, request.body, actor(request));
        return reply.status(201).send(started);
      },
    );

    app.get(
      '/portal/checkouts/:id',
      { schema: { tags: ['checkout'], summary: 'One of your checkouts, as the gateway has settled it so far', params: idParams, response: { 200: statusSchema, 404: errorBodySchema, ...errors } } },
      (request) => container.checkout.view(requireLogin(request).login, request.params.id, actor(request)),
    );

    app.post(
      '/portal/checkouts/:id/cancel',
      {
        schema: {
          tags: ['checkout'],
          summary: 'You left the payment page: the open checkout ends',
          params: idParams,
          response: { 200: statusSchema, 404: errorBodySchema, 409: errorBodySchema, ...errors },
        },
      },
      (request) => container.checkout.cancel(requireLogin(request).login, request.params.id, actor(request)),
    );

    app.get(
      '/admin/checkout/diagnostics',
      {
        config: { permission: 'plans.read' },
        schema: { tags: ['checkout'], summary: 'Every plan: offered at checkout or not, and every reason why not', response: { 200: diagnosticsSchema, ...errors } },
      },
      () => container.checkout.diagnostics(),
    );

    app.get(
      '/admin/payments/gateways',
      {
        config: { permission: 'settings.read' },
        schema: { tags: ['checkout'], summary: 'Each gateway account: switched on, complete, its webhook URL and what it can do', response: { 200: gatewaysSchema, ...errors } },
      },
      async () => ({ items: await container.gateways.overview() }),
    );
  };
}
