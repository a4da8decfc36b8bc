import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Container } from '../../container.js';
import { errorBodySchema, emptyBody, idParams, offsetOf, pageOf } from '../../http/common-schemas.js';
import { notFound } from '../../http/errors.js';
import { requireLogin } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';
import type { GatewayAccount } from '../payments/gateway-directory.js';
import { GATEWAY_EVENT_STATUSES, type GatewayEventRecord } from './gateway-events.repository.js';

/** Gateways send small JSON events; anything larger is not one of theirs. */
const WEBHOOK_BODY_LIMIT = 256 * 1024;

/** The URL path of each account's webhook (GatewayDirectory.webhookUrlFor tells the admin the same). */
export const WEBHOOK_PATHS: Record<GatewayAccount, string> = {
  stripe: '/webhooks/stripe',
  paypal: '/webhooks/paypal',
  paypalSecondary: '/webhooks/paypal/secondary',
  plisio: '/webhooks/plisio',
};

const eventSummarySchema = z
  .object({
    id: z.string(),
    gateway: z.string(),
    account: z.string(),
    eventId: z.string(),
    gatewayType: z.string(),
    type: z.string(),
    status: z.enum(['applied', 'ignored', 'unmatched', 'failed']),
    memberId: z.string().nullable(),
    paymentId: z.string().nullable(),
    error: z.string().nullable(),
    receivedAt: z.string(),
    appliedAt: z.string().nullable(),
  })
  .meta({ id: 'GatewayEventSummary' });

const eventDetailSchema = eventSummarySchema.extend({ payload: z.string() }).meta({ id: 'GatewayEvent' });

const summary = (e: GatewayEventRecord) => ({
  id: e.id,
  gateway: e.gateway,
  account: e.account,
  eventId: e.eventId,
  gatewayType: e.gatewayType,
  type: e.type,
  status: e.status,
  memberId: e.memberId,
  paymentId: e.paymentId,
  error: e.error,
  receivedAt: e.receivedAt,
  appliedAt: e.appliedAt,
});

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function webhooksRoutes(container: Container): RouteModule {
  const { webhooks, gatewayEvents } = container;
  return (app) => {
    // Signatures are over the bytes as sent: in this scope every body stays the raw string.
    void app.register((scope, _opts, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, next) => next(null, body));
      const routes = scope.withTypeProvider<ZodTypeProvider>();
      for (const [account, path] of Object.entries(WEBHOOK_PATHS) as [GatewayAccount, string][]) {
        routes.post(
          path,
          {
            bodyLimit: WEBHOOK_BODY_LIMIT,
            schema: {
              tags: ['webhooks'],
              summary: `Deliveries from ${account} (signature-checked; a duplicate answers 200 and changes nothing)`,
              response: { 200: z.object({ received: z.number().int() }), 400: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema },
            },
          },
          (request) => webhooks.receive(account, typeof request.body === 'string' ? request.body : '', request.headers),
        );
      }
      done();
    });

    app.post(
      '/portal/checkouts/:id/confirm',
      {
        schema: {
          tags: ['portal'],
          summary: 'After the gateway sends the customer back: finish the payment (PayPal capture) and say where the checkout stands',
          params: idParams,
          body: emptyBody,
          response: { 200: z.object({ status: z.enum(['open', 'paid', 'failed', 'expired', 'cancelled']) }), ...errors },
        },
      },
      (request) => webhooks.confirm(request.params.id, requireLogin(request).login.id),
    );

    app.get(
      '/admin/payments/events',
      {
        config: { permission: 'payments.read' },
        schema: {
          tags: ['payments'],
          summary: 'Webhook events received from the gateways, newest first',
          querystring: z.object({
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(25),
            gateway: z.enum(['stripe', 'paypal', 'plisio']).optional(),
            status: z.enum(GATEWAY_EVENT_STATUSES as [string, ...string[]]).optional(),
          }),
          response: { 200: pageOf(eventSummarySchema), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const result = await gatewayEvents.list({
          gateway: q.gateway,
          status: q.status as GatewayEventRecord['status'] | undefined,
          ...offsetOf(q),
        });
        return { items: result.items.map(summary), total: result.total, page: q.page, pageSize: q.pageSize };
      },
    );

    app.get(
      '/admin/payments/events/:id',
      {
        config: { permission: 'payments.read' },
        schema: {
          tags: ['payments'],
          summary: 'One webhook event with the body as received',
          params: idParams,
          response: { 200: eventDetailSchema, ...errors },
        },
      },
      async (request) => {
        const event = await gatewayEvents.byId(request.params.id);
        if (!event) throw notFound('gateway_event_not_found', 'No webhook event has that id.');
        return { ...summary(event), payload: event.payload };
      },
    );

    app.post(
      '/admin/payments/events/:id/replay',
      {
        config: { permission: 'payments.write' },
        schema: {
          tags: ['payments'],
          summary: 'Apply a failed or unmatched event again',
          params: idParams,
          body: emptyBody,
          response: { 200: eventDetailSchema, ...errors },
        },
      },
      async (request) => {
        const event = await webhooks.replay(request.params.id);
        return { ...summary(event), payload: event.payload };
      },
    );
  };
}
