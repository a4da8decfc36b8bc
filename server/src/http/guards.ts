import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from './auth-context.js';
import { actorOf, ceilingOf } from './auth-context.js';
import { unauthorized } from './errors.js';
import { CSRF_COOKIE, SESSION_COOKIE } from './auth-plugin.js';
import type { IssuedSession } from '../modules/auth/auth.service.js';

export function requireLogin(request: FastifyRequest): Extract<AuthContext, { kind: 'login' }> {
  if (request.auth.kind !== 'login') throw unauthorized();
  return request.auth;
}

export function actor(request: FastifyRequest) {
  return actorOf(request.auth, request.ip ?? null);
}

export function ceiling(request: FastifyRequest) {
  return ceilingOf(request.auth);
}

/**
 * Session cookie is HttpOnly; the CSRF cookie is readable so the web app can echo it in a header.
 * `siteIsHttps`: the configured site URL is https, so cookies are Secure even when a proxy forwards
 * plain HTTP without telling us.
 */
export function setSessionCookies(request: FastifyRequest, reply: FastifyReply, issued: IssuedSession, siteIsHttps: boolean): void {
  const secure = siteIsHttps || request.protocol === 'https';
  const expires = new Date(issued.session.expiresAt);
  void reply.setCookie(SESSION_COOKIE, issued.token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires });
  void reply.setCookie(CSRF_COOKIE, issued.session.csrfToken, { path: '/', httpOnly: false, sameSite: 'lax', secure, expires });
}

export function clearSessionCookies(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  void reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
