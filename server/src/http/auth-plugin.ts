import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../container.js';
import { unauthorized, forbidden, AppError } from './errors.js';
import { can, type AuthContext } from './auth-context.js';

export const SESSION_COOKIE = 'usher_session';
export const CSRF_COOKIE = 'usher_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `/api/admin` itself as well as everything below it, but not `/api/administrator`. */
export function isUnder(url: string, prefix: '/api/admin' | '/api/portal'): boolean {
  return url === prefix || url.startsWith(`${prefix}/`);
}

/** Resolves who is calling (session cookie or Bearer API key), checks CSRF and route permissions. */
export function installAuth(app: FastifyInstance, container: Container): void {
  app.decorateRequest('auth', null as never);

  // Refuse to start with an admin route that forgot to declare its permission.
  app.addHook('onRoute', (route) => {
    if (isUnder(route.url, '/api/admin') && !route.config?.permission) {
      throw new Error(`admin route ${String(route.method)} ${route.url} declares no permission`);
    }
  });

  app.addHook('onRequest', async (request) => {
    request.auth = await resolveAuth(request, container);
    const url = request.routeOptions.url ?? '';
    const auth = request.auth;

    if ((auth.kind === 'login' || auth.kind === 'second_factor') && MUTATING.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || sent !== auth.session.csrfToken) {
        throw forbidden('csrf_failed', 'The security token of this form is missing or stale; reload the page.');
      }
    }

    if (auth.kind === 'second_factor' && !request.routeOptions.config.allowSecondFactor) {
      if (isUnder(url, '/api/admin') || isUnder(url, '/api/portal')) {
        throw unauthorized('second_factor_required', 'Finish logging in with your second factor.');
      }
    }

    if (isUnder(url, '/api/admin')) {
      if (auth.kind !== 'login' && auth.kind !== 'api_key') throw unauthorized();
      const permission = request.routeOptions.config.permission!;
      if (!can(auth, permission)) throw forbidden();
      // "Administrators" in the setting means staff: every role above the customer's. API keys are
      // held to their creator's second factor in ApiKeysService.authenticate.
      if (auth.kind === 'login' && auth.role.builtin !== 'user' && !auth.login.totpEnabled && !auth.login.emailOtpEnabled) {
        const security = await container.settings.get('security');
        if (security.requireTwoFactorForAdmins) {
          throw new AppError(403, 'two_factor_required', 'Staff must turn on two-factor authentication first (My Account → Security).');
        }
      }
    } else if (isUnder(url, '/api/portal')) {
      if (auth.kind !== 'login') throw unauthorized();
    }
  });
}

async function resolveAuth(request: FastifyRequest, container: Container): Promise<AuthContext> {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const key = await container.apiKeys.authenticate(header.slice(7).trim());
    if (!key) throw unauthorized('invalid_api_key', 'The API key is not valid or was revoked.');
    return { kind: 'api_key', keyId: key.id, keyName: key.name, role: key.role, createdBy: key.createdBy };
  }
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return { kind: 'anonymous' };
  const found = await container.auth.authenticate(token);
  if (!found) return { kind: 'anonymous' };
  if (found.session.stage === 'second_factor') return { kind: 'second_factor', session: found.session, login: found.login };
  return { kind: 'login', ...found };
}

export function requestInfo(request: FastifyRequest) {
  return { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null };
}
