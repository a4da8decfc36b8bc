import type { Container } from '../container.js';
import { systemActor } from '../modules/audit/audit.service.js';
import { AuthRepository } from '../modules/auth/auth.repository.js';
import { hashPassword } from '../modules/auth/password-policy.js';
import { ADMIN_ROLE_ID } from '../modules/roles/roles.repository.js';
import { newId } from '../platform/ids.js';

export const DEMO_ADMIN_EMAIL = 'admin@demo.local';
export const DEMO_ADMIN_PASSWORD = 'demo-admin-1!';

/**
 * What the demo contains. Runs before Usher listens, on the same data directory, so the server
 * starts already set up. Later features add their demo data here (fake media servers, gateways…).
 */
export async function seedDemo(container: Container): Promise<void> {
  const now = container.clock.now().toISOString();
  // The demo password is easy to type but has no upper-case letter, which the password policy
  // refuses; so this login is written through the repository, bypassing the policy. Only the
  // throw-away demo does this.
  await new AuthRepository(container.database.db).insertLogin({
    id: newId(),
    email: DEMO_ADMIN_EMAIL,
    passwordHash: await hashPassword(DEMO_ADMIN_PASSWORD),
    roleId: ADMIN_ROLE_ID,
    displayName: 'Demo administrator',
    emailConfirmedAt: now,
    now,
  });
  const siteUrl = container.env.SITE_URL ?? `http://localhost:${container.env.PORT}`;
  await container.settings.update(
    'general',
    { values: { siteName: 'Usher Demo', siteUrl, adminEmail: DEMO_ADMIN_EMAIL } },
    systemActor,
  );
  // The demo sends no email, so visitors who sign up must not wait for a confirmation link.
  await container.settings.update('registration', { values: { requireEmailConfirmation: false } }, systemActor);
}
