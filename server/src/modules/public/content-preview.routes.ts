import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema } from '../../http/common-schemas.js';
import type { RouteModule } from '../../http/route-module.js';

const previewBody = z.object({ markdown: z.array(z.string().max(20000)).max(120) });
const previewResult = z.object({ html: z.array(z.string()) }).meta({ id: 'ContentPreview' });

/** The Custom content page previews unsaved Markdown with the very renderer the public pages use. */
export function contentPreviewRoutes(container: Container): RouteModule {
  const { publicSite } = container;
  return (app) => {
    app.post(
      '/admin/content/preview',
      {
        config: { permission: 'settings.read' },
        schema: {
          tags: ['settings'],
          summary: 'Renders Markdown to the safe HTML the public pages would show, without saving it',
          body: previewBody,
          response: { 200: previewResult, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
        },
      },
      (request) => Promise.resolve({ html: publicSite.preview(request.body.markdown) }),
    );
  };
}
