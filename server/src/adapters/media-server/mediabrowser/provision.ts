import { IntegrationError } from '../../http/integration-error.js';
import type { ProvisionInput } from '../../../ports/media-server.js';
import type { MediaBrowserFlavor } from './client.js';
import { provisioningPolicy } from './policy.js';
import type { WirePolicy, WireUser } from './wire.js';

export interface TemplateSnapshot {
  policy: WirePolicy | undefined;
  configuration: Record<string, unknown> | undefined;
  displayPreferences: Record<string, unknown> | null;
}

export interface ProvisionSteps {
  flavor: MediaBrowserFlavor;
  service: string;
  captureTemplate(): Promise<TemplateSnapshot | null>;
  fetchUsers(): Promise<WireUser[]>;
  createUser(name: string, password: string | undefined): Promise<WireUser>;
  postPolicy(userId: string, policy: WirePolicy): Promise<void>;
  postConfiguration(userId: string, configuration: Record<string, unknown>): Promise<void>;
  postDisplayPreferences(userId: string, prefs: Record<string, unknown>): Promise<void>;
  deleteUser(userId: string): Promise<void>;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Creates a local user from the template user (integrations.md §9.9, jfa-go's flow): capture the
 * template's policy, configuration and display preferences; create the user with its password;
 * apply the policy (template + the plan's grant, never admin, enabled), then the configuration,
 * then the display preferences. Any failure after the user exists deletes it again, so a failed
 * provisioning leaves nothing half-created on the server.
 */
export async function provisionFromTemplate(steps: ProvisionSteps, input: ProvisionInput): Promise<WireUser> {
  const name = input.identifier.trim();
  const template = await steps.captureTemplate();
  const existing = (await steps.fetchUsers()).find((u) => sameName(u.Name, name));
  if (existing) {
    // Never adopt an account someone else owns (it could be an administrator); the caller decides.
    throw new IntegrationError(steps.service, 'rejected', `A ${steps.service} user named "${name}" already exists.`, false, {
      cause: 'mediabrowser_username_taken',
      fix: 'Choose another username, or link the existing account to the member through a member sync.',
    });
  }

  let created: WireUser;
  try {
    created = await steps.createUser(name, input.password);
  } catch (error) {
    throw await explainCreateFailure(steps, name, error);
  }

  try {
    const policy = provisioningPolicy(template?.policy, created.Policy, input.grant, steps.flavor);
    await steps.postPolicy(created.Id, policy);
    if (template?.configuration) await steps.postConfiguration(created.Id, template.configuration);
    if (template?.displayPreferences) await steps.postDisplayPreferences(created.Id, { ...template.displayPreferences });
    return { ...created, Policy: policy, ...(template?.configuration ? { Configuration: template.configuration } : {}) };
  } catch (error) {
    await steps.deleteUser(created.Id);
    throw error;
  }
}

/**
 * Jellyfin creates the user before it sets the password, so a refused password leaves a user
 * behind; a timeout may have created one too. The name was free before, so a user with it now is
 * ours: delete it. Its presence also tells a refused password from a refused name.
 */
async function explainCreateFailure(steps: ProvisionSteps, name: string, error: unknown): Promise<unknown> {
  if (!(error instanceof IntegrationError)) return error;
  if (error.reason === 'mediabrowser_password_rejected') return error;
  let leftover: WireUser | undefined;
  try {
    leftover = (await steps.fetchUsers()).find((u) => sameName(u.Name, name));
  } catch {
    return error;
  }
  if (leftover) await steps.deleteUser(leftover.Id);
  if (error.status !== 400) return error;
  if (leftover) return passwordRejected(error, steps.service);
  return error.withCause(
    'mediabrowser_username_rejected',
    `${steps.service} refused the username "${name}".`,
    "Use letters, digits, spaces and - _ ' . @ + only, not starting or ending with a space.",
    false,
  );
}

export function passwordRejected(error: IntegrationError, service: string): IntegrationError {
  const said = error.body?.trim();
  const detail = said && said !== 'Error processing request.' ? ` (${said})` : '';
  return error.withCause(
    'mediabrowser_password_rejected',
    `${service} refused the new account's password${detail}; the account was not created.`,
    `Choose a password that meets the ${service} server's password rules and try again.`,
    false,
  );
}
