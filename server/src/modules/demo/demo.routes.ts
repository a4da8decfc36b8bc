import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema } from '../../http/common-schemas.js';
import { forbidden } from '../../http/errors.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';
import type { FastifyRequest } from 'fastify';

const clockSchema = z.object({
  now: z.string(),
  offsetMs: z.number().int(),
  syncSharedLibraries: z.boolean(),
  pass: z.object({ changes: z.number().int(), applied: z.number().int(), failed: z.number().int() }).nullable(),
});
// No `.meta({ id })`: a named schema would land in the committed API document even where these routes do not exist.

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

/** Administrators only, not any role that happens to hold settings.write: the clock moves the whole site. */
function requireAdministrator(request: FastifyRequest): void {
  const auth = request.auth;
  if (auth.kind !== 'login' || auth.role.builtin !== 'administrator')
    throw forbidden('administrator_only', 'Only an administrator can move the demo clock.');
}

/**
 * Demo mode only ("advance the clock", issue 8 point 10): the routes exist only when the demo
 * started Usher with its movable clock; anywhere else they are not registered, so they answer 404.
 */
export function demoRoutes(container: Container): RouteModule {
  const demo = container.demo;
  if (!demo) return () => undefined;
  return (app) => {
    app.get(
      '/admin/demo/clock',
      {
        config: { permission: 'settings.read' },
        schema: {
          tags: ['demo'],
          summary: 'Demo mode only: the demo clock and how far it is ahead of real time',
          response: { 200: clockSchema, ...errors },
        },
      },
      async (request) => {
        requireAdministrator(request);
        return demo.read();
      },
    );

    app.post(
      '/admin/demo/clock',
      {
        config: { permission: 'settings.write' },
        schema: {
          tags: ['demo'],
          summary: 'Demo mode only: set the demo clock (null: back to real time), then run a pass',
          body: z.object({ at: z.string().max(40).nullable() }).strict(),
          response: { 200: clockSchema, ...errors },
        },
      },
      async (request) => {
        requireAdministrator(request);
        return demo.set(request.body.at, actor(request));
      },
    );

    app.post(
      '/admin/demo/clock/advance',
      {
        config: { permission: 'settings.write' },
        schema: {
          tags: ['demo'],
          summary: 'Demo mode only: move the demo clock N days ahead, then run a pass (expiries unshare on the fake servers)',
          body: z.object({ days: z.number().int().min(1).max(365) }).strict(),
          response: { 200: clockSchema, ...errors },
        },
      },
      async (request) => {
        requireAdministrator(request);
        return demo.advance(request.body.days, actor(request));
      },
    );
  };
}
