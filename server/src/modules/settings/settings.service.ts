import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { SecretBox, settingsSealContext } from '../../platform/secrets.js';
import { badRequest } from '../../http/errors.js';
import type { AuditService, Actor } from '../audit/audit.service.js';
import type { SettingsRepository } from './settings.repository.js';
import {
  SECTION_NAMES,
  secretFieldsOf,
  secretTargetsOf,
  settingsSections,
  type SectionName,
  type SectionValues,
} from './settings.schema.js';

export interface SectionView {
  section: SectionName;
  title: string;
  live: boolean;
  values: Record<string, unknown>;
  /** Write-only fields: the API only says whether each is set. */
  secrets: Record<string, { set: boolean }>;
}

export interface SectionUpdate {
  values?: Record<string, unknown>;
  /** A string sets the secret, null clears it, an absent key keeps it. */
  secrets?: Record<string, string | null>;
}

/** A hook a section may register to check its values (e.g. SMTP credentials) before they are saved. */
export type SectionTester = (values: Record<string, unknown>) => Promise<void | { details: string[] }>;

/** A hook that may refuse a change because of data elsewhere (e.g. the currency while money is recorded). */
export type SectionGuard = (next: Record<string, unknown>, before: Record<string, unknown>) => Promise<void>;

export class SettingsService {
  private readonly testers = new Map<SectionName, SectionTester>();
  private readonly guards = new Map<SectionName, SectionGuard>();

  constructor(
    private readonly repo: SettingsRepository,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  registerTester(section: SectionName, tester: SectionTester): void {
    this.testers.set(section, tester);
  }

  registerGuard(section: SectionName, guard: SectionGuard): void {
    this.guards.set(section, guard);
  }

  hasTester(section: SectionName): boolean {
    return this.testers.has(section);
  }

  /** Full values with secrets decrypted: for server-side use only, never for a response. */
  async get<S extends SectionName>(section: S): Promise<SectionValues<S>> {
    const stored = await this.repo.read(section);
    return this.materialize(section, stored) as SectionValues<S>;
  }

  async view(section: SectionName): Promise<SectionView> {
    return this.toView(section, await this.get(section));
  }

  async viewAll(): Promise<SectionView[]> {
    const stored = await this.repo.readAll();
    return SECTION_NAMES.map((s) => this.toView(s, this.materialize(s, stored.get(s) ?? {})));
  }

  savedSections(): Promise<Set<string>> {
    return this.repo.savedSections();
  }

  /** Validates a full section from the current values plus the patch, without saving it. */
  async prepare(section: SectionName, update: SectionUpdate): Promise<Record<string, unknown>> {
    const current = (await this.get(section)) as Record<string, unknown>;
    const secretFields = secretFieldsOf(section);
    const unknownSecret = Object.keys(update.secrets ?? {}).filter((k) => !secretFields.includes(k));
    const valueKeysThatAreSecret = Object.keys(update.values ?? {}).filter((k) => secretFields.includes(k));
    if (unknownSecret.length > 0 || valueKeysThatAreSecret.length > 0) {
      throw badRequest('invalid_settings', 'Some fields are not secrets of this section, or secrets were sent as values.', {
        fields: [...unknownSecret, ...valueKeysThatAreSecret],
      });
    }
    assertSecretsMayFollow(section, current, update);
    const merged: Record<string, unknown> = { ...current, ...(update.values ?? {}) };
    for (const [field, value] of Object.entries(update.secrets ?? {})) merged[field] = value ?? '';
    const parsed = settingsSections[section].schema.strict().safeParse(merged);
    if (!parsed.success) {
      throw badRequest('invalid_settings', `The ${settingsSections[section].title} settings are not valid.`, {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    return parsed.data as Record<string, unknown>;
  }

  /** What the check found, for the admin to recognise (e.g. "Account: acct_…", "Test mode"). */
  async test(section: SectionName, update: SectionUpdate): Promise<string[]> {
    const tester = this.testers.get(section);
    if (!tester) throw badRequest('no_test', `The ${settingsSections[section].title} settings have no test.`);
    const result = await tester(await this.prepare(section, update));
    return result ? result.details : [];
  }

  async update(section: SectionName, update: SectionUpdate, actor: Actor): Promise<SectionView> {
    const before = (await this.get(section)) as Record<string, unknown>;
    const next = await this.prepare(section, update);
    await this.guards.get(section)?.(next, before);
    const defaults = settingsSections[section].schema.parse({}) as Record<string, unknown>;
    const secretFields = secretFieldsOf(section);
    const diff: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(next)) {
      if (isDeepStrictEqual(value, defaults[key])) continue;
      diff[key] = secretFields.includes(key) ? this.secrets.encrypt(String(value), settingsSealContext(section, key)) : value;
    }
    const changed = Object.keys(next).filter((k) => !isDeepStrictEqual(next[k], before[k]));
    await this.repo.write(section, diff, this.clock.now().toISOString());
    if (changed.length > 0) {
      await this.audit.record(actor, 'settings.update', { type: 'settings', id: section }, { fields: changed });
    }
    return this.toView(section, next);
  }

  /**
   * Re-seals stored secrets with another box (key rotation), or, with `onlyLegacy`, re-seals only
   * values in an older format with the same key (start-up).
   */
  async resealAll(from: SecretBox, to: SecretBox, onlyLegacy = false): Promise<number> {
    let count = 0;
    const stored = await this.repo.readAll();
    for (const section of SECTION_NAMES) {
      const diff = { ...(stored.get(section) ?? {}) };
      let touched = false;
      for (const field of secretFieldsOf(section)) {
        const sealed = diff[field];
        if (typeof sealed !== 'string' || sealed === '' || (onlyLegacy && !SecretBox.isLegacy(sealed))) continue;
        const context = settingsSealContext(section, field);
        let plain: string;
        try {
          plain = from.decrypt(sealed, context);
        } catch (error) {
          // At start-up a value sealed with another key stays as it is (reads treat it as unset);
          // a rotation must not lose it, so there it stops everything.
          if (onlyLegacy) continue;
          throw error;
        }
        diff[field] = to.encrypt(plain, context);
        touched = true;
        count++;
      }
      if (touched) await this.repo.write(section, diff, this.clock.now().toISOString());
    }
    return count;
  }

  private materialize(section: SectionName, stored: Record<string, unknown>): Record<string, unknown> {
    const schema = settingsSections[section].schema as z.ZodObject;
    const opened: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(stored)) {
      if (!Object.hasOwn(schema.shape, key)) continue; // a field a later version removed
      opened[key] = secretFieldsOf(section).includes(key) && typeof value === 'string' ? this.open(value, section, key) : value;
    }
    const parsed = schema.safeParse(opened);
    // A stored value that no longer validates (an older rule) falls back to defaults field by field.
    if (parsed.success) return parsed.data;
    const defaults = schema.parse({});
    const result: Record<string, unknown> = { ...defaults };
    for (const [key, value] of Object.entries(opened)) {
      const field = schema.shape[key] as z.ZodType;
      if (field.safeParse(value).success) result[key] = value;
    }
    return result;
  }

  private open(sealed: string, section: SectionName, field: string): string {
    try {
      return this.secrets.decrypt(sealed, settingsSealContext(section, field));
    } catch {
      return ''; // sealed with another key: treat as unset rather than failing every read
    }
  }

  private toView(section: SectionName, values: Record<string, unknown>): SectionView {
    const { title, live } = settingsSections[section];
    const publicValues: Record<string, unknown> = {};
    const secrets: Record<string, { set: boolean }> = {};
    for (const [key, value] of Object.entries(values)) {
      if (secretFieldsOf(section).includes(key)) secrets[key] = { set: typeof value === 'string' && value !== '' };
      else publicValues[key] = value;
    }
    return { section, title, live, values: publicValues, secrets };
  }
}

/**
 * Tests, test emails and saves all merge the stored secret into the values sent: a stored SMTP
 * password must not reach a host typed in just now, or anyone allowed to edit settings could collect
 * it with their own mail server. A changed target therefore needs the secret typed again.
 */
function assertSecretsMayFollow(section: SectionName, current: Record<string, unknown>, update: SectionUpdate): void {
  for (const [field, targets] of Object.entries(secretTargetsOf(section))) {
    if (update.secrets?.[field] !== undefined || typeof current[field] !== 'string' || current[field] === '') continue;
    const moved = targets.filter((t) => update.values && Object.hasOwn(update.values, t) && normalTarget(update.values[t]) !== normalTarget(current[t]));
    if (moved.length > 0) {
      throw badRequest(
        'secret_required_for_new_host',
        `The ${moved.join(' and ')} changed: enter the ${field} again, so the saved one is never sent to another server.`,
        { field, changed: moved },
      );
    }
  }
}

function normalTarget(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : String(value);
}
