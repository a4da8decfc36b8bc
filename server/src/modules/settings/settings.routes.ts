import type { RouteModule } from '../../http/route-module.js';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { errorBodySchema, okSchema } from '../../http/common-schemas.js';
import { actor } from '../../http/guards.js';
import { notFound } from '../../http/errors.js';
import { GATEWAY_ACCOUNTS, type GatewayAccount } from '../payments/gateway-directory.js';
import { isSectionName, SECTION_NAMES, type SectionName } from './settings.schema.js';

const sectionView = z
  .object({
    section: z.string(),
    title: z.string(),
    live: z.boolean(),
    testable: z.boolean(),
    values: z.record(z.string(), z.unknown()),
    secrets: z.record(z.string(), z.object({ set: z.boolean() })),
  })
  .meta({ id: 'SettingsSection' });

const testResult = z
  .object({ ok: z.literal(true), details: z.array(z.string()) })
  .meta({ id: 'SettingsTestResult' });

const sectionParams = z.object({ section: z.string().max(40) });
const updateBody = z.object({
  values: z.record(z.string(), z.unknown()).optional(),
  secrets: z.record(z.string(), z.string().max(4096).nullable()).optional(),
});
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 502: errorBodySchema };

const isGatewayAccount = (section: SectionName): section is GatewayAccount => (GATEWAY_ACCOUNTS as readonly string[]).includes(section);

export function settingsRoutes(container: Container): RouteModule {
  const { settings, notifications, onboarding } = container;

  function sectionOf(name: string): SectionName {
    if (!isSectionName(name)) throw notFound('unknown_section', `There is no settings section "${name}". Known: ${SECTION_NAMES.join(', ')}.`);
    return name;
  }

  const withTestable = <T extends { section: SectionName }>(view: T) => ({ ...view, testable: settings.hasTester(view.section) });

  return (app) => {
    app.get(
      '/admin/settings',
      {
        config: { permission: 'settings.read' },
        schema: { tags: ['settings'], summary: 'Every settings section (secrets only say whether they are set)', response: { 200: z.object({ items: z.array(sectionView) }), ...errors } },
      },
      async () => ({ items: (await settings.viewAll()).map(withTestable) }),
    );

    app.get(
      '/admin/settings/:section',
      { config: { permission: 'settings.read' }, schema: { tags: ['settings'], summary: 'One settings section', params: sectionParams, response: { 200: sectionView, ...errors } } },
      async (request) => withTestable(await settings.view(sectionOf(request.params.section))),
    );

    app.put(
      '/admin/settings/:section',
      {
        config: { permission: 'settings.write' },
        schema: {
          tags: ['settings'],
          summary: 'Change a section: values are merged; a secret is set by a string, cleared by null, kept when absent',
          params: sectionParams,
          body: updateBody,
          response: { 200: sectionView, ...errors },
        },
      },
      async (request) => withTestable(await settings.update(sectionOf(request.params.section), request.body, actor(request))),
    );

    app.post(
      '/admin/settings/:section/test',
      {
        config: { permission: 'settings.write' },
        schema: {
          tags: ['settings'],
          summary: 'Check a section’s credentials with the given changes, without saving them',
          params: sectionParams,
          body: updateBody,
          response: { 200: testResult, ...errors },
        },
      },
      async (request) => {
        const section = sectionOf(request.params.section);
        const details = await settings.test(section, request.body);
        if (isGatewayAccount(section)) await onboarding.gatewayTested(actor(request));
        return { ok: true as const, details };
      },
    );

    app.post(
      '/admin/settings/email/send-test',
      {
        config: { permission: 'settings.write' },
        schema: {
          tags: ['settings'],
          summary: 'Send a test email with the saved SMTP settings, or the given unsaved changes',
          body: updateBody.extend({ to: z.email() }),
          response: { 200: okSchema, ...errors },
        },
      },
      async (request) => {
        const { to, ...update } = request.body;
        const values = await settings.prepare('email', update);
        await notifications.sendTest(to, values);
        await onboarding.emailTested(actor(request));
        return { ok: true as const };
      },
    );
  };
}
