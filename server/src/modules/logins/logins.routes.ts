import type { RouteModule } from '../../http/route-module.js';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { emptyBody, errorBodySchema, idParams, offsetOf, okSchema, pageOf, pageQuery } from '../../http/common-schemas.js';
import { actor, ceiling } from '../../http/guards.js';
import { emailField, passwordField } from '../auth/auth.schemas.js';
import { LOGIN_SORTS } from './logins.repository.js';

const loginItem = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string().nullable(),
    roleId: z.string(),
    roleName: z.string(),
    emailConfirmed: z.boolean(),
    disabled: z.boolean(),
    twoFactor: z.object({ totp: z.boolean(), email: z.boolean() }),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
    /** Failed attempts slow down logins from addresses this login never used until then. */
    lockedUntil: z.string().nullable(),
  })
  .meta({ id: 'LoginListItem' });

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

export function loginsRoutes(container: Container): RouteModule {
  const { logins } = container;
  return (app) => {
    app.get(
      '/admin/logins',
      {
        config: { permission: 'logins.read' },
        schema: {
          tags: ['logins'],
          summary: 'Search site logins',
          querystring: pageQuery(LOGIN_SORTS, 'email').extend({ roleId: z.string().max(100).optional() }),
          response: { 200: pageOf(loginItem), ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        const result = await logins.search({ q: q.q, roleId: q.roleId, sort: q.sort, order: q.order, ...offsetOf(q) });
        return { ...result, page: q.page, pageSize: q.pageSize };
      },
    );

    app.post(
      '/admin/logins',
      {
        config: { permission: 'logins.write' },
        schema: {
          tags: ['logins'],
          summary: 'Add a site login',
          body: z.object({
            email: emailField,
            password: passwordField,
            roleId: z.string().min(1).max(100),
            displayName: z.string().trim().min(1).max(100).optional(),
          }),
          response: { 201: z.object({ id: z.string() }), ...errors },
        },
      },
      async (request, reply) => {
        const login = await logins.create(request.body, actor(request), ceiling(request));
        return reply.status(201).send({ id: login.id });
      },
    );

    app.put(
      '/admin/logins/:id/password',
      {
        config: { permission: 'logins.write' },
        schema: { tags: ['logins'], summary: 'Set a login’s password', params: idParams, body: z.object({ password: passwordField }), response: { 200: okSchema, ...errors } },
      },
      async (request) => {
        await logins.setPassword(request.params.id, request.body.password, actor(request), ceiling(request));
        return { ok: true as const };
      },
    );

    app.put(
      '/admin/logins/:id/role',
      {
        config: { permission: 'logins.write' },
        schema: { tags: ['logins'], summary: 'Set a login’s role', params: idParams, body: z.object({ roleId: z.string().min(1).max(100) }), response: { 200: okSchema, ...errors } },
      },
      async (request) => {
        await logins.setRole(request.params.id, request.body.roleId, actor(request), ceiling(request));
        return { ok: true as const };
      },
    );

    app.put(
      '/admin/logins/:id/disabled',
      {
        config: { permission: 'logins.write' },
        schema: { tags: ['logins'], summary: 'Disable or enable a login', params: idParams, body: z.object({ disabled: z.boolean() }), response: { 200: okSchema, ...errors } },
      },
      async (request) => {
        await logins.setDisabled(request.params.id, request.body.disabled, actor(request), ceiling(request));
        return { ok: true as const };
      },
    );

    app.put(
      '/admin/logins/:id/two-factor',
      {
        config: { permission: 'logins.write' },
        schema: {
          tags: ['logins'],
          summary: 'Turn emailed login codes on for a login, or every second factor off',
          params: idParams,
          body: z.object({ enabled: z.boolean() }),
          response: { 200: okSchema, ...errors },
        },
      },
      async (request) => {
        await logins.setTwoFactor(request.params.id, request.body.enabled, actor(request), ceiling(request));
        return { ok: true as const };
      },
    );

    app.post(
      '/admin/logins/:id/unlock',
      {
        config: { permission: 'logins.write' },
        schema: {
          tags: ['logins'],
          summary: 'Forget a login’s failed attempts, so it may log in again at once',
          params: idParams,
          body: emptyBody,
          response: { 200: okSchema, ...errors },
        },
      },
      async (request) => {
        await logins.unlock(request.params.id, actor(request));
        return { ok: true as const };
      },
    );

    app.delete(
      '/admin/logins/:id',
      {
        config: { permission: 'logins.write' },
        schema: { tags: ['logins'], summary: 'Delete a login (never the last administrator)', params: idParams, response: { 200: okSchema, ...errors } },
      },
      async (request) => {
        await logins.delete(request.params.id, actor(request), ceiling(request));
        return { ok: true as const };
      },
    );
  };
}
