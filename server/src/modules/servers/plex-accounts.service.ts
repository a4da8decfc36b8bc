import { IntegrationError } from '../../adapters/http/integration-error.js';
import type { PlexAccountInfo, PlexAccountPort, PlexPinPort, PlexServerResource } from '../../adapters/media-server/plex-account.js';
import { sameOrigin } from '../../domain/origins.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { SealContext, SecretBox } from '../../platform/secrets.js';
import type { AlertsService } from '../alerts/alerts.service.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { PlexAccountPatch, PlexAccountRecord, PlexAccountsRepository } from './plex-accounts.repository.js';

export interface PlexAccountConnection {
  token: string;
  proxy: { url: string; username: string | null; password: string | null } | null;
}

/** Builds plex.tv clients; the registry implements it, tests may swap it. */
export interface PlexAccountConnector {
  account(connection: PlexAccountConnection): PlexAccountPort;
  pins(): PlexPinPort;
}

export interface PlexAccountInput {
  token: string;
  password?: string | null | undefined;
  proxyUrl?: string | null | undefined;
  proxyUsername?: string | null | undefined;
  proxyPassword?: string | null | undefined;
  plexPassOverride?: boolean | null | undefined;
}

export interface PlexAccountView {
  id: string;
  email: string | null;
  username: string | null;
  plexUserId: string | null;
  hasPlexPass: boolean;
  detectedPlexPass: boolean;
  plexPassOverride: boolean | null;
  tokenStatus: string;
  tokenCheckedAt: string | null;
  passwordSet: boolean;
  proxy: { url: string | null; username: string | null; passwordSet: boolean };
  servers: number;
  createdAt: string;
}

export class PlexAccountsService {
  constructor(
    private readonly repo: PlexAccountsRepository,
    private readonly connector: PlexAccountConnector,
    private readonly secrets: SecretBox,
    private readonly audit: AuditService,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<PlexAccountView[]> {
    const [records, counts] = await Promise.all([this.repo.list(), this.repo.serverCounts()]);
    return records.map((r) => this.view(r, counts.get(r.id) ?? 0));
  }

  async get(id: string): Promise<PlexAccountRecord> {
    const record = await this.repo.find(id);
    if (!record) throw notFound('plex_account_not_found', 'No Plex account has that id.');
    return record;
  }

  async view1(id: string): Promise<PlexAccountView> {
    const counts = await this.repo.serverCounts();
    return this.view(await this.get(id), counts.get(id) ?? 0);
  }

  /** Checks a token (and proxy) without saving anything: the "Test Token" button. */
  async testToken(input: PlexAccountInput): Promise<PlexAccountInfo> {
    return this.withAccount(this.connectionFrom(input), (port) => port.me());
  }

  async add(input: PlexAccountInput, actor: Actor): Promise<PlexAccountView> {
    const info = await this.testToken(input);
    if (await this.repo.findByPlexUserId(info.plexUserId)) {
      throw conflict('plex_account_exists', `The Plex account ${info.username ?? info.email ?? info.plexUserId} is already added; replace its token instead.`);
    }
    const now = this.now();
    const id = newId();
    await this.repo.insert({
      id,
      email: info.email,
      username: info.username,
      plex_user_id: info.plexUserId,
      token: this.secrets.encrypt(input.token.trim(), sealed(id, 'token')),
      password: input.password ? this.secrets.encrypt(input.password, sealed(id, 'password')) : null,
      proxy_url: input.proxyUrl || null,
      proxy_username: input.proxyUsername || null,
      proxy_password: input.proxyPassword ? this.secrets.encrypt(input.proxyPassword, sealed(id, 'proxy_password')) : null,
      has_plex_pass: info.plexPass,
      plex_pass_override: input.plexPassOverride ?? null,
      token_status: 'valid',
      token_checked_at: now,
      created_at: now,
      updated_at: now,
    });
    await this.audit.record(actor, 'plex_account.add', { type: 'plex_account', id }, { username: info.username });
    return this.view1(id);
  }

  /** After a PIN sign-in: add the account, or give an existing one its fresh token. */
  async addOrRefresh(input: PlexAccountInput, actor: Actor): Promise<PlexAccountView> {
    const info = await this.testToken(input);
    const existing = await this.repo.findByPlexUserId(info.plexUserId);
    if (!existing) return this.add(input, actor);
    return this.update(existing.id, { token: input.token }, actor);
  }

  /** Edits settings; a new token must belong to the same Plex account. Secrets: string sets, null clears, absent keeps. */
  async update(id: string, input: Partial<PlexAccountInput>, actor: Actor): Promise<PlexAccountView> {
    const record = await this.get(id);
    const patch: PlexAccountPatch = { updated_at: this.now() };
    this.assertProxySecretMayFollow(record, input);
    if (input.token !== undefined) {
      const merged = { ...this.inputOf(record), ...input, token: input.token };
      const info = await this.testToken(merged);
      if (record.plexUserId && info.plexUserId !== record.plexUserId) {
        throw badRequest('plex_account_mismatch', `That token belongs to ${info.username ?? info.plexUserId}, not to this Plex account.`);
      }
      Object.assign(patch, { token: this.secrets.encrypt(input.token.trim(), sealed(id, 'token')), token_status: 'valid', token_checked_at: this.now(), has_plex_pass: info.plexPass });
    }
    if (input.password !== undefined) patch.password = input.password ? this.secrets.encrypt(input.password, sealed(id, 'password')) : null;
    if (input.proxyUrl !== undefined) patch.proxy_url = input.proxyUrl || null;
    if (input.proxyUsername !== undefined) patch.proxy_username = input.proxyUsername || null;
    // Without a proxy the password has nowhere to go; keeping it would hand it to the next proxy typed in.
    if (input.proxyUrl !== undefined && !input.proxyUrl) patch.proxy_password = null;
    if (input.proxyPassword !== undefined) patch.proxy_password = input.proxyPassword ? this.secrets.encrypt(input.proxyPassword, sealed(id, 'proxy_password')) : null;
    if (input.plexPassOverride !== undefined) patch.plex_pass_override = input.plexPassOverride;
    await this.repo.update(id, patch);
    await this.audit.record(actor, 'plex_account.update', { type: 'plex_account', id }, { fields: Object.keys(input) });
    return this.view1(id);
  }

  /** Deleting an account deletes its servers (and their shares' records); members are kept. */
  async delete(id: string, actor: Actor): Promise<void> {
    const record = await this.get(id);
    await this.repo.delete(id);
    await this.audit.record(actor, 'plex_account.delete', { type: 'plex_account', id }, { username: record.username });
  }

  async servers(id: string): Promise<PlexServerResource[]> {
    const record = await this.get(id);
    return this.withAccount(this.connectionOf(record), (port) => port.servers());
  }

  /** Daily check: a rejected token raises an alert at once (a ban or a password change). */
  async checkTokens(): Promise<{ checked: number; invalid: number }> {
    let invalid = 0;
    const records = await this.repo.list();
    for (const record of records) {
      try {
        const info = await this.withAccount(this.connectionOf(record), (port) => port.me());
        const patch: PlexAccountPatch = {};
        if (record.tokenStatus !== 'valid') patch.token_status = 'valid';
        if (info.plexPass !== record.detectedPlexPass) patch.has_plex_pass = info.plexPass;
        if (Object.keys(patch).length > 0) await this.repo.update(record.id, { ...patch, token_checked_at: this.now(), updated_at: this.now() });
      } catch (error) {
        if (!(error instanceof IntegrationError) || error.kind !== 'unauthorized') throw error;
        invalid++;
        if (record.tokenStatus !== 'invalid') await this.repo.update(record.id, { token_status: 'invalid', token_checked_at: this.now(), updated_at: this.now() });
        await this.alerts.raise({
          kind: 'token_invalid',
          severity: 'error',
          title: `Plex token rejected for ${record.username ?? record.email ?? 'a Plex account'}`,
          message: 'plex.tv no longer accepts this account’s token: it was revoked, the password changed, or the account was banned. Sign in with Plex again or replace the token in Servers & Libraries → Plex Accounts.',
          dedupeKey: `plex-token-${record.id}`,
        });
      }
    }
    return { checked: records.length, invalid };
  }

  startPin(forwardUrl?: string) {
    return this.connector.pins().start(forwardUrl);
  }

  pollPin(pinId: string) {
    return this.connector.pins().poll(pinId);
  }

  connectionOf(record: PlexAccountRecord): PlexAccountConnection {
    return {
      token: this.secrets.decrypt(record.tokenSealed, sealed(record.id, 'token')),
      proxy: record.proxyUrl
        ? { url: record.proxyUrl, username: record.proxyUsername, password: record.proxyPasswordSealed ? this.secrets.decrypt(record.proxyPasswordSealed, sealed(record.id, 'proxy_password')) : null }
        : null,
    };
  }

  /** The stored proxy password goes only to the proxy it was typed for: a new proxy origin needs it again. */
  private assertProxySecretMayFollow(record: PlexAccountRecord, input: Partial<PlexAccountInput>): void {
    if (!input.proxyUrl || input.proxyPassword !== undefined || !record.proxyPasswordSealed) return;
    if (record.proxyUrl && sameOrigin(input.proxyUrl, record.proxyUrl)) return;
    throw badRequest('secret_required_for_new_host', 'The proxy address changed: enter the proxy password again, so the saved one is never sent to another proxy.', {
      field: 'proxyPassword',
    });
  }

  private inputOf(record: PlexAccountRecord): PlexAccountInput {
    const c = this.connectionOf(record);
    return { token: c.token, proxyUrl: c.proxy?.url ?? null, proxyUsername: c.proxy?.username ?? null, proxyPassword: c.proxy?.password ?? null };
  }

  private connectionFrom(input: PlexAccountInput): PlexAccountConnection {
    if (!input.token.trim()) throw badRequest('token_required', 'Enter the Plex token.');
    return {
      token: input.token.trim(),
      proxy: input.proxyUrl ? { url: input.proxyUrl, username: input.proxyUsername ?? null, password: input.proxyPassword ?? null } : null,
    };
  }

  private async withAccount<T>(connection: PlexAccountConnection, fn: (port: PlexAccountPort) => Promise<T>): Promise<T> {
    const port = this.connector.account(connection);
    try {
      return await fn(port);
    } finally {
      await port.close();
    }
  }

  private view(r: PlexAccountRecord, servers: number): PlexAccountView {
    return {
      id: r.id,
      email: r.email,
      username: r.username,
      plexUserId: r.plexUserId,
      hasPlexPass: r.plexPassOverride ?? r.detectedPlexPass,
      detectedPlexPass: r.detectedPlexPass,
      plexPassOverride: r.plexPassOverride,
      tokenStatus: r.tokenStatus,
      tokenCheckedAt: r.tokenCheckedAt,
      passwordSet: r.passwordSealed !== null,
      proxy: { url: r.proxyUrl, username: r.proxyUsername, passwordSet: r.proxyPasswordSealed !== null },
      servers,
      createdAt: r.createdAt,
    };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

function sealed(rowId: string, column: 'token' | 'password' | 'proxy_password'): SealContext {
  return { table: 'plex_accounts', column, rowId };
}
