import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import type { RouteModule } from '../../http/route-module.js';

const onboardingSchema = z
  .object({
    items: z.array(
      z.object({ id: z.string(), title: z.string(), description: z.string(), link: z.string(), status: z.enum(['done', 'todo', 'unavailable']) }),
    ),
    complete: z.boolean(),
    dismissed: z.boolean(),
    welcomeBack: z.boolean(),
  })
  .meta({ id: 'Onboarding' });
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

export function onboardingRoutes(container: Container): RouteModule {
  const { onboarding } = container;
  return (app) => {
    app.get(
      '/admin/onboarding',
      {
        config: { permission: 'settings.read' },
        schema: { tags: ['settings'], summary: 'The "Getting started" checklist, ticked from what is set up', response: { 200: onboardingSchema, ...errors } },
      },
      (request) => onboarding.view(request.auth.kind === 'login' ? actor(request).id : null),
    );

    app.put(
      '/admin/onboarding/dismissed',
      {
        config: { permission: 'settings.write' },
        schema: {
          tags: ['settings'],
          summary: 'Hide (or show again) the "Getting started" checklist',
          body: z.object({ dismissed: z.boolean() }),
          response: { 200: onboardingSchema, ...errors },
        },
      },
      (request) => onboarding.setDismissed(request.body.dismissed, actor(request)),
    );
  };
}
