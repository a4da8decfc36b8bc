import { z } from 'zod';
import { SYSTEM_CEILING } from '../domain/permission-ceiling.js';
import { ADMIN_ROLE_ID } from '../modules/roles/roles.repository.js';
import { CliFailure, cliActor, UsageError, withUsher, type CliContext } from './context.js';
import { obtainPassword } from './prompt.js';

export interface AccountOptions {
  email?: string | undefined;
  password?: string | undefined;
  'disable-2fa'?: boolean | undefined;
}

function requireEmail(value: string | undefined): string {
  if (!value) throw new UsageError('--email is required.');
  const parsed = z.email().safeParse(value.trim());
  if (!parsed.success) throw new UsageError(`--email: "${value}" is not an email address.`);
  return parsed.data.toLowerCase();
}

/**
 * Creates an administrator, or makes an existing login one (enabled and confirmed, so it can log
 * in at once). The recovery path when no administrator can log in any more.
 */
export async function createAdmin(ctx: CliContext, options: AccountOptions): Promise<void> {
  const email = requireEmail(options.email);
  await withUsher(ctx, async ({ container, authRepo, io }) => {
    const existing = await authRepo.findLoginByEmail(email);
    if (!existing) {
      const password = await obtainPassword(io, options.password);
      await container.logins.create({ email, password, roleId: ADMIN_ROLE_ID }, cliActor, SYSTEM_CEILING);
      io.out(`Created the administrator ${email}.`);
      return;
    }
    if (options.password !== undefined) {
      await container.logins.setPassword(existing.id, await obtainPassword(io, options.password), cliActor, SYSTEM_CEILING);
    }
    await container.logins.setRole(existing.id, ADMIN_ROLE_ID, cliActor, SYSTEM_CEILING);
    if (existing.disabled) await container.logins.setDisabled(existing.id, false, cliActor, SYSTEM_CEILING);
    if (!existing.emailConfirmedAt) {
      const now = container.clock.now().toISOString();
      await authRepo.updateLogin(existing.id, { email_confirmed_at: now }, now);
    }
    const passwordNote = options.password !== undefined ? ' with the new password' : ' with its current password';
    io.out(`${email} already had a login; it is now an enabled administrator and can log in${passwordNote}.`);
  });
}

/** Sets a new password and logs the login out everywhere; `--disable-2fa` also turns off every second factor. */
export async function resetPassword(ctx: CliContext, options: AccountOptions): Promise<void> {
  const email = requireEmail(options.email);
  await withUsher(ctx, async ({ container, authRepo, io }) => {
    const login = await authRepo.findLoginByEmail(email);
    if (!login) throw new CliFailure(`No login has the email ${email}.`);
    const password = await obtainPassword(io, options.password);
    await container.logins.setPassword(login.id, password, cliActor, SYSTEM_CEILING);
    io.out(`Password reset for ${email}; its sessions were logged out.`);
    if (options['disable-2fa']) {
      await container.twoFactor.disableTwoFactor(login, cliActor);
      io.out('Two-factor authentication is now off for this login; it can turn it on again under My Account.');
    }
    if (login.disabled) io.err(`Note: ${email} is disabled; enable it in Site Logins before it can log in.`);
  });
}
