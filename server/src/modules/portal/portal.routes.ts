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
  })
  .meta({ id: 'Account' });

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

/** My Account for any logged-in login. Subscription, plan change and renewals join it later. */
export function portalRoutes(container: Container): RouteModule {
  return (app) => {
    app.get('/portal/account', { schema: { tags: ['portal'], summary: 'Your account', response: { 200: accountSchema, ...errors } } }, (request) => {
      const { login } = requireLogin(request);
      return {
        id: login.id,
        email: login.email,
        displayName: login.displayName,
        createdAt: login.createdAt,
        lastLoginAt: login.lastLoginAt,
        twoFactor: { totp: login.totpEnabled, email: login.emailOtpEnabled },
      };
    });

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
        };
      },
    );
  };
}
