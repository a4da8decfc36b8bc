import { sql, type Kysely, type Selectable } from 'kysely';
import { toBool } from '../../db/database.js';
import type { Database, LoginsTable, SessionsTable } from '../../db/schema.js';

export interface Login {
  id: string;
  email: string;
  passwordHash: string | null;
  roleId: string;
  displayName: string | null;
  emailConfirmedAt: string | null;
  disabled: boolean;
  totpSecret: string | null;
  totpEnabled: boolean;
  emailOtpEnabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export function toLogin(row: Selectable<LoginsTable>): Login {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    roleId: row.role_id,
    displayName: row.display_name,
    emailConfirmedAt: row.email_confirmed_at,
    disabled: toBool(row.disabled),
    totpSecret: row.totp_secret,
    totpEnabled: toBool(row.totp_enabled),
    emailOtpEnabled: toBool(row.email_otp_enabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}

export interface Session {
  id: string;
  loginId: string;
  csrfToken: string;
  stage: 'full' | 'second_factor';
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    loginId: row.login_id,
    csrfToken: row.csrf_token,
    stage: row.stage === 'full' ? 'full' : 'second_factor',
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
  };
}

export type TokenPurpose = 'confirm_email' | 'password_reset' | 'login_code';

export type LoginPatch = Partial<{
  email: string;
  password_hash: string | null;
  role_id: string;
  display_name: string | null;
  email_confirmed_at: string | null;
  disabled: boolean;
  totp_secret: string | null;
  totp_enabled: boolean;
  email_otp_enabled: boolean;
  last_login_at: string;
}>;

/** Logins, sessions, one-time tokens, recovery codes and login attempts: everything a login needs. */
export class AuthRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findLoginByEmail(email: string): Promise<Login | undefined> {
    const row = await this.db.selectFrom('logins').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    return row && toLogin(row);
  }

  async findLogin(id: string): Promise<Login | undefined> {
    const row = await this.db.selectFrom('logins').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toLogin(row);
  }

  async insertLogin(login: {
    id: string;
    email: string;
    passwordHash: string | null;
    roleId: string;
    displayName?: string | null;
    discordUsername?: string | null;
    discordId?: string | null;
    emailConfirmedAt: string | null;
    now: string;
  }): Promise<void> {
    await this.db
      .insertInto('logins')
      .values({
        id: login.id,
        email: login.email.toLowerCase(),
        password_hash: login.passwordHash,
        role_id: login.roleId,
        display_name: login.displayName ?? null,
        email_confirmed_at: login.emailConfirmedAt,
        disabled: false,
        totp_secret: null,
        totp_enabled: false,
        email_otp_enabled: false,
        created_at: login.now,
        updated_at: login.now,
        last_login_at: null,
        discord_username: login.discordUsername ?? null,
        discord_id: login.discordId ?? null,
      })
      .execute();
  }

  async updateLogin(id: string, patch: LoginPatch, now: string): Promise<void> {
    await this.db
      .updateTable('logins')
      .set({ ...patch, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async totpLastStep(id: string): Promise<number | null> {
    const row = await this.db.selectFrom('logins').select('totp_last_step').where('id', '=', id).executeTakeFirst();
    return row?.totp_last_step == null ? null : Number(row.totp_last_step);
  }

  /** Records an accepted TOTP step unless an equal or later one was accepted meanwhile (a replay race). */
  async advanceTotpStep(id: string, step: number): Promise<boolean> {
    const res = await this.db
      .updateTable('logins')
      .set({ totp_last_step: step })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async deleteLogin(id: string): Promise<void> {
    await this.db.deleteFrom('logins').where('id', '=', id).execute();
  }

  async countActiveAdmins(adminRoleId: string): Promise<number> {
    const row = await this.db
      .selectFrom('logins')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role_id', '=', adminRoleId)
      .where('disabled', '=', false)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertSession(session: Session & { ip: string | null; userAgent: string | null }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: session.id,
        login_id: session.loginId,
        csrf_token: session.csrfToken,
        stage: session.stage,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        last_seen_at: session.lastSeenAt,
        ip: session.ip,
        user_agent: session.userAgent,
      })
      .execute();
  }

  async findSession(id: string): Promise<Session | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSession(row);
  }

  async touchSession(id: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id', '=', id).execute();
  }

  async promoteSession(id: string): Promise<void> {
    await this.db.updateTable('sessions').set({ stage: 'full' }).where('id', '=', id).execute();
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteSessionsOf(loginId: string, exceptId?: string): Promise<void> {
    let q = this.db.deleteFrom('sessions').where('login_id', '=', loginId);
    if (exceptId) q = q.where('id', '!=', exceptId);
    await q.execute();
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    const res = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async insertToken(token: {
    id: string;
    loginId: string;
    purpose: TokenPurpose;
    tokenHash: string;
    now: string;
    expiresAt: string;
  }): Promise<void> {
    await this.db
      .insertInto('auth_tokens')
      .values({
        id: token.id,
        login_id: token.loginId,
        purpose: token.purpose,
        token_hash: token.tokenHash,
        created_at: token.now,
        expires_at: token.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async findTokenByHash(purpose: TokenPurpose, tokenHash: string) {
    return this.db
      .selectFrom('auth_tokens')
      .selectAll()
      .where('purpose', '=', purpose)
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  async latestOpenToken(loginId: string, purpose: TokenPurpose) {
    return this.db
      .selectFrom('auth_tokens')
      .selectAll()
      .where('login_id', '=', loginId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  /** Marks a token used only if it still was unused: a concurrent second use gets false. */
  async consumeToken(id: string, now: string): Promise<boolean> {
    const res = await this.db
      .updateTable('auth_tokens')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async bumpTokenAttempts(id: string): Promise<void> {
    await this.db
      .updateTable('auth_tokens')
      .set({ attempts: sql`attempts + 1` })
      .where('id', '=', id)
      .execute();
  }

  async countTokensSince(loginId: string, purpose: TokenPurpose, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('auth_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('login_id', '=', loginId)
      .where('purpose', '=', purpose)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async invalidateOpenTokens(loginId: string, purpose: TokenPurpose, now: string): Promise<void> {
    await this.db
      .updateTable('auth_tokens')
      .set({ used_at: now })
      .where('login_id', '=', loginId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
  }

  async replaceRecoveryCodes(loginId: string, codes: { id: string; hash: string }[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recovery_codes').where('login_id', '=', loginId).execute();
      if (codes.length > 0) {
        await trx
          .insertInto('recovery_codes')
          .values(codes.map((c) => ({ id: c.id, login_id: loginId, code_hash: c.hash, used_at: null })))
          .execute();
      }
    });
  }

  async useRecoveryCode(loginId: string, codeHash: string, now: string): Promise<boolean> {
    const res = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: now })
      .where('login_id', '=', loginId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async countUnusedRecoveryCodes(loginId: string): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('login_id', '=', loginId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async pruneAttempts(before: string): Promise<number> {
    const res = await this.db.deleteFrom('login_attempts').where('at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
