import type { Container } from '../container.js';
import { SYSTEM_CEILING } from '../domain/permission-ceiling.js';
import { systemActor } from '../modules/audit/audit.service.js';
import { ADMIN_ROLE_ID } from '../modules/roles/roles.repository.js';

export const DEMO_ADMIN_EMAIL = 'admin@demo.local';
export const DEMO_ADMIN_PASSWORD = 'Demo-admin-1!';

/**
 * What the demo contains. Runs before Usher listens, on the same data directory, so the server
 * starts already set up. Later features add their demo data here (fake media servers, gateways…).
 */
export async function seedDemo(container: Container): Promise<void> {
  // Through the same service as the CLI, so the demo login obeys the password policy like any other.
  await container.logins.create(
    { email: DEMO_ADMIN_EMAIL, password: DEMO_ADMIN_PASSWORD, roleId: ADMIN_ROLE_ID, displayName: 'Demo administrator' },
    systemActor,
    SYSTEM_CEILING,
  );
  const siteUrl = container.env.SITE_URL ?? `http://localhost:${container.env.PORT}`;
  await container.settings.update(
    'general',
    { values: { siteName: 'Usher Demo', siteUrl, adminEmail: DEMO_ADMIN_EMAIL } },
    systemActor,
  );
  // The demo sends no email, so visitors who sign up must not wait for a confirmation link.
  await container.settings.update('registration', { values: { requireEmailConfirmation: false } }, systemActor);
}
