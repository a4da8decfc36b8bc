import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema } from '../../http/common-schemas.js';
import { actor, requireLogin } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';

const accountSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string().nullable(),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
    twoFactor: z.object({ totp: z.boolean(), email: z.boolean() }),
    /** A member (subscription) is tied to this login: GET /portal/subscription has something to show. */
    hasSubscription: z.boolean(),
  })
  .meta({ id: 'Account' });

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

const serverKind = z.enum(['plex', 'jellyfin', 'emby']);

const subscriptionSchema = z
  .object({
    status: z.object({
      state: z.enum(['active', 'expired', 'permanent']),
      reason: z.enum(['permanent', 'payment', 'renewal_grace', 'no_payments', 'expired', 'starts_in_future']),
      sentence: z.string(),
      until: z.string().nullable(),
      expiredAt: z.string().nullable(),
      startsAt: z.string().nullable(),
    }),
    plan: z
      .object({
        name: z.string(),
        description: z.string(),
        libraries: z.array(z.string()),
        libraryGroups: z.array(z.string()),
        maxStreams: z.number().int().nullable(),
        allowDownloads: z.boolean(),
        allowTranscoding: z.boolean(),
      })
      .nullable(),
    servers: z.array(
      z.object({
        name: z.string(),
        kind: serverKind,
        state: z.enum(['active', 'pending', 'disabled', 'removed']),
        username: z.string().nullable(),
        address: z.string().nullable(),
        instructions: z.string(),
      }),
    ),
    operations: z.array(
      z.object({
        kind: z.enum(['provision', 'grant', 'revoke', 'delete']),
        status: z.enum(['pending', 'running', 'failed']),
        serverName: z.string(),
        sentence: z.string(),
        since: z.string(),
      }),
    ),
    requiresPlexAccountChange: z.boolean(),
    reinvite: z.object({
      available: z.boolean(),
      code: z.string().nullable(),
      reason: z.string().nullable(),
      retryAt: z.string().nullable(),
    }),
  })
  .meta({ id: 'PortalSubscription' });

const reinviteSchema = z
  .object({ result: z.literal('queued'), message: z.string(), servers: z.array(z.string()) })
  .meta({ id: 'PortalReinvite' });

/** My Account for any logged-in login: profile and subscription. Plan change and renewals join it later. */
export function portalRoutes(container: Container): RouteModule {
  return (app) => {
    app.get(
      '/portal/account',
      { schema: { tags: ['portal'], summary: 'Your account', response: { 200: accountSchema, ...errors } } },
      async (request) => {
        const { login } = requireLogin(request);
        return {
          id: login.id,
          email: login.email,
          displayName: login.displayName,
          createdAt: login.createdAt,
          lastLoginAt: login.lastLoginAt,
          twoFactor: { totp: login.totpEnabled, email: login.emailOtpEnabled },
          hasSubscription: (await container.portal.findMember(login, actor(request))) !== null,
        };
      },
    );

    app.patch(
      '/portal/account',
      {
        schema: {
          tags: ['portal'],
          summary: 'Change your display name',
          body: z.object({ displayName: z.string().trim().min(1).max(100).nullable() }).strict(),
          response: { 200: accountSchema, ...errors },
        },
      },
      async (request) => {
        const { login } = requireLogin(request);
        const updated = await container.logins.updateProfile(login.id, { displayName: request.body.displayName }, actor(request));
        return {
          id: updated.id,
          email: updated.email,
          displayName: updated.displayName,
          createdAt: updated.createdAt,
          lastLoginAt: updated.lastLoginAt,
          twoFactor: { totp: updated.totpEnabled, email: updated.emailOtpEnabled },
          hasSubscription: (await container.portal.findMember(updated, actor(request))) !== null,
        };
      },
    );

    app.get(
      '/portal/subscription',
      {
        schema: {
          tags: ['portal'],
          summary: 'Your subscription: status, plan, server and how to accept the invite',
          response: { 200: subscriptionSchema, 404: errorBodySchema, ...errors },
        },
      },
      (request) => {
        const { login } = requireLogin(request);
        return container.portal.subscription(login, actor(request));
      },
    );

    app.post(
      '/portal/subscription/reinvite',
      {
        schema: {
          tags: ['portal'],
          summary: 'Re-invite yourself to your server (reference §4.4)',
          description:
            'Reads your server now and queues what you lack: a new Plex invite, or your plan’s libraries on your Jellyfin/Emby account again. Once per 15 minutes.',
          response: { 200: reinviteSchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema, ...errors },
        },
      },
      (request) => {
        const { login } = requireLogin(request);
        return container.portal.reinvite(login, actor(request));
      },
    );
  };
}
