import type { FastifyRequest } from 'fastify';
import type { RouteModule } from '../../http/route-module.js';
import { z } from 'zod';
import type { Container } from '../../container.js';
import { requestInfo } from '../../http/auth-plugin.js';
import { emptyBody, errorBodySchema, okSchema } from '../../http/common-schemas.js';
import { unauthorized } from '../../http/errors.js';
import { actor, clearSessionCookies, requireLogin, setSessionCookies } from '../../http/guards.js';
import { emailField, loginResultSchema, passwordField, sessionViewSchema, type SessionView } from './auth.schemas.js';

const RATE = {
  login: { max: 20, timeWindow: '1 minute' },
  mail: { max: 5, timeWindow: '15 minutes' },
  /** Endpoints that check the caller's own password (also throttled per login in the service). */
  password: { max: 10, timeWindow: '15 minutes' },
};
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };

export function authRoutes(container: Container): RouteModule {
  const { auth, twoFactor, registration } = container;

  /** Cookies are Secure whenever the public site is https, whatever the proxy forwards to us. */
  async function siteIsHttps(): Promise<boolean> {
    const { siteUrl } = await container.settings.get('general');
    return [siteUrl, container.env.SITE_URL ?? ''].some((url) => url.toLowerCase().startsWith('https://'));
  }

  async function sessionView(request: FastifyRequest): Promise<SessionView> {
    const a = request.auth;
    if (a.kind === 'second_factor') {
      return { authenticated: false, stage: 'second_factor', secondFactorMethods: auth.secondFactorMethods(a.login), csrfToken: a.session.csrfToken };
    }
    if (a.kind !== 'login') return { authenticated: false, stage: 'none' };
    const security = await container.settings.get('security');
    const isAdmin = a.role.builtin !== 'user';
    const hasTwoFactor = a.login.totpEnabled || a.login.emailOtpEnabled;
    return {
      authenticated: true,
      stage: 'full',
      csrfToken: a.session.csrfToken,
      login: {
        id: a.login.id,
        email: a.login.email,
        displayName: a.login.displayName,
        role: { id: a.role.id, name: a.role.name, builtin: a.role.builtin, permissions: a.role.permissions },
        isAdmin,
        twoFactor: {
          totp: a.login.totpEnabled,
          email: a.login.emailOtpEnabled,
          recoveryCodesLeft: a.login.totpEnabled ? await twoFactor.remainingRecoveryCodes(a.login.id) : 0,
        },
        twoFactorRequired: security.requireTwoFactorForAdmins && isAdmin && !hasTwoFactor,
      },
    };
  }

  return (app) => {
    app.get(
      '/setup',
      { schema: { tags: ['auth'], summary: 'Whether the first administrator still has to be created', response: { 200: z.object({ needsSetup: z.boolean() }) } } },
      async () => ({ needsSetup: await auth.needsSetup() }),
    );

    app.post(
      '/setup',
      {
        config: { rateLimit: RATE.login },
        schema: {
          tags: ['auth'],
          summary: 'Create the first administrator with the one-time setup token from the server log',
          body: z.object({ token: z.string().min(1).max(200), email: emailField, password: passwordField }),
          response: { 200: sessionViewSchema, ...errors },
        },
      },
      async (request, reply) => {
        const issued = await auth.completeSetup(request.body, requestInfo(request));
        setSessionCookies(request, reply, issued, await siteIsHttps());
        const found = await auth.authenticate(issued.token);
        request.auth = { kind: 'login', ...found! };
        return sessionView(request);
      },
    );

    app.get('/auth/session', { schema: { tags: ['auth'], summary: 'The current session', response: { 200: sessionViewSchema } } }, (request) =>
      sessionView(request),
    );

    app.post(
      '/auth/login',
      {
        config: { rateLimit: RATE.login },
        schema: {
          tags: ['auth'],
          summary: 'Log in with email and password',
          body: z.object({ email: emailField, password: passwordField }),
          response: { 200: loginResultSchema, ...errors },
        },
      },
      async (request, reply) => {
        const outcome = await auth.login(request.body, requestInfo(request));
        setSessionCookies(request, reply, outcome.issued, await siteIsHttps());
        const found = await auth.authenticate(outcome.issued.token);
        request.auth =
          found!.session.stage === 'full'
            ? { kind: 'login', ...found! }
            : { kind: 'second_factor', session: found!.session, login: found!.login };
        return { status: outcome.status, session: await sessionView(request) };
      },
    );

    app.post(
      '/auth/logout',
      { config: { allowSecondFactor: true }, schema: { tags: ['auth'], summary: 'Log out', body: emptyBody, response: { 200: okSchema, 400: errorBodySchema } } },
      async (request, reply) => {
        const a = request.auth;
        if (a.kind === 'login' || a.kind === 'second_factor') await auth.logout(a.session, a.login, requestInfo(request));
        clearSessionCookies(reply);
        return { ok: true as const };
      },
    );

    app.post(
      '/auth/2fa/verify',
      {
        config: { allowSecondFactor: true, rateLimit: RATE.login },
        schema: {
          tags: ['auth'],
          summary: 'Finish logging in with a TOTP code, a recovery code or an emailed code',
          body: z.object({ method: z.enum(['totp', 'email', 'recovery']), code: z.string().min(4).max(40) }),
          response: { 200: sessionViewSchema, ...errors },
        },
      },
      async (request, reply) => {
        const a = request.auth;
        if (a.kind !== 'second_factor') throw unauthorized('no_pending_login', 'Log in with your password first.');
        const issued = await auth.verifySecondFactor(a, request.body, requestInfo(request));
        setSessionCookies(request, reply, issued, await siteIsHttps());
        const role = (await container.roles.get(a.login.roleId))!;
        request.auth = { kind: 'login', session: issued.session, login: a.login, role };
        return sessionView(request);
      },
    );

    app.post(
      '/auth/2fa/email-code',
      {
        config: { allowSecondFactor: true, rateLimit: RATE.mail },
        schema: { tags: ['auth'], summary: 'Email a fresh login code', body: emptyBody, response: { 200: okSchema, ...errors } },
      },
      async (request) => {
        const a = request.auth;
        if (a.kind !== 'second_factor' || !a.login.emailOtpEnabled) {
          throw unauthorized('no_pending_login', 'Log in with your password first.');
        }
        await auth.sendLoginCode(a.login);
        return { ok: true as const };
      },
    );

    app.post(
      '/auth/register',
      {
        config: { rateLimit: RATE.mail },
        schema: {
          tags: ['auth'],
          summary: 'Create a customer login',
          body: z.object({
            email: emailField,
            password: passwordField,
            displayName: z.string().trim().min(1).max(100).optional(),
            discordUsername: z.string().trim().min(2).max(40).optional(),
            discordId: z.string().regex(/^\d{15,21}$/, 'a numeric Discord user ID').optional(),
          }),
          response: { 201: z.object({ status: z.enum(['confirmation_sent', 'registered']) }), ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await registration.register(request.body, requestInfo(request))),
    );

    app.post(
      '/auth/confirm',
      {
        config: { rateLimit: RATE.login },
        schema: { tags: ['auth'], summary: 'Confirm an email address', body: z.object({ token: z.string().min(10).max(200) }), response: { 200: okSchema, ...errors } },
      },
      async (request) => {
        await registration.confirmEmail(request.body.token, requestInfo(request));
        return { ok: true as const };
      },
    );

    app.post(
      '/auth/confirm/resend',
      {
        config: { rateLimit: RATE.mail },
        schema: { tags: ['auth'], summary: 'Send the confirmation email again', body: z.object({ email: emailField }), response: { 202: okSchema, ...errors } },
      },
      async (request, reply) => {
        await registration.resendConfirmation(request.body.email);
        return reply.status(202).send({ ok: true as const });
      },
    );

    app.post(
      '/auth/password/forgot',
      {
        config: { rateLimit: RATE.mail },
        schema: {
          tags: ['auth'],
          summary: 'Email a password reset link (answers the same whether or not the email has a login)',
          body: z.object({ email: emailField }),
          response: { 202: okSchema, ...errors },
        },
      },
      async (request, reply) => {
        await registration.requestPasswordReset(request.body.email, requestInfo(request));
        return reply.status(202).send({ ok: true as const });
      },
    );

    app.post(
      '/auth/password/reset',
      {
        config: { rateLimit: RATE.login },
        schema: {
          tags: ['auth'],
          summary: 'Choose a new password with a reset token',
          body: z.object({ token: z.string().min(10).max(200), password: passwordField }),
          response: { 200: okSchema, ...errors },
        },
      },
      async (request) => {
        await registration.resetPassword(request.body, requestInfo(request));
        return { ok: true as const };
      },
    );

    app.post(
      '/auth/password/change',
      {
        config: { rateLimit: RATE.password },
        schema: {
          tags: ['auth'],
          summary: 'Change your own password (other sessions are logged out)',
          body: z.object({ currentPassword: passwordField, newPassword: passwordField }),
          response: { 200: okSchema, ...errors },
        },
      },
      async (request) => {
        const a = requireLogin(request);
        await auth.changeOwnPassword(a.login, request.body, a.session, requestInfo(request));
        return { ok: true as const };
      },
    );

    app.post(
      '/auth/2fa/totp/start',
      {
        schema: {
          tags: ['auth'],
          summary: 'Start setting up an authenticator app',
          body: emptyBody,
          response: { 200: z.object({ secret: z.string(), uri: z.string() }), ...errors },
        },
      },
      async (request) => twoFactor.beginTotp(requireLogin(request).login),
    );

    app.post(
      '/auth/2fa/totp/enable',
      {
        config: { rateLimit: RATE.password },
        schema: {
          tags: ['auth'],
          summary: 'Confirm the authenticator app with a code and your password; returns recovery codes once',
          body: z.object({ code: z.string().min(6).max(10), password: passwordField }),
          response: { 200: z.object({ recoveryCodes: z.array(z.string()) }), ...errors },
        },
      },
      async (request) => {
        const a = requireLogin(request);
        await auth.verifyOwnPassword(a.login, request.body.password, requestInfo(request));
        return twoFactor.enableTotp(a.login, request.body.code, requestInfo(request));
      },
    );

    app.post(
      '/auth/2fa/recovery-codes',
      {
        config: { rateLimit: RATE.password },
        schema: {
          tags: ['auth'],
          summary: 'Replace your recovery codes (the old ones stop working)',
          body: z.object({ password: passwordField }),
          response: { 200: z.object({ recoveryCodes: z.array(z.string()) }), ...errors },
        },
      },
      async (request) => {
        const a = requireLogin(request);
        await auth.verifyOwnPassword(a.login, request.body.password, requestInfo(request));
        if (!a.login.totpEnabled) throw unauthorized('totp_not_enabled', 'Recovery codes come with an authenticator app; set one up first.');
        return { recoveryCodes: await twoFactor.regenerateRecoveryCodes(a.login.id) };
      },
    );

    app.post(
      '/auth/2fa/email',
      {
        config: { rateLimit: RATE.password },
        schema: {
          tags: ['auth'],
          summary: 'Turn emailed login codes on or off for yourself',
          body: z.object({ enabled: z.boolean(), password: passwordField }),
          response: { 200: okSchema, ...errors },
        },
      },
      async (request) => {
        const a = requireLogin(request);
        await auth.verifyOwnPassword(a.login, request.body.password, requestInfo(request));
        await twoFactor.setEmailOtp(a.login, request.body.enabled, requestInfo(request));
        return { ok: true as const };
      },
    );

    app.post(
      '/auth/2fa/disable',
      {
        config: { rateLimit: RATE.password },
        schema: {
          tags: ['auth'],
          summary: 'Turn off every second factor for yourself',
          body: z.object({ password: passwordField }),
          response: { 200: okSchema, ...errors },
        },
      },
      async (request) => {
        const a = requireLogin(request);
        await auth.verifyOwnPassword(a.login, request.body.password, requestInfo(request));
        await twoFactor.disableTwoFactor(a.login, actor(request));
        return { ok: true as const };
      },
    );
  };
}
