import { empty, json, text, type FakeHttpServer, type FakeRequest, type FakeResponse } from '../core/fake-server.js';
import { findToken, identify, isAdmin, type Caller } from './auth.js';
import { newGuid, omitNulls } from './defaults.js';
import type { MediaBrowserState } from './state.js';
import type { Flavor } from './types.js';

/** Knobs a test or the demo can turn while the fake runs. */
export interface FakeSettings {
  premiere: boolean;
  minPasswordLength: number;
  legacyAuthorization: boolean;
  ignoreFirstSessionsStart: boolean;
}

export interface RouteContext {
  state: MediaBrowserState;
  flavor: Flavor;
  settings: FakeSettings;
  /** Registers an authenticated route; `admin` routes answer 403 to non-administrators. */
  route(method: string, path: string, handler: (req: FakeRequest, caller: Caller) => FakeResponse | Promise<FakeResponse>, access?: 'admin' | 'user' | 'anonymous'): void;
}

export function createRouteContext(http: FakeHttpServer, state: MediaBrowserState, settings: FakeSettings): RouteContext {
  return {
    state,
    flavor: state.flavor,
    settings,
    route(method, path, handler, access = 'admin') {
      http.route(method, path, (req) => {
        if (access === 'anonymous') return handler(req, { kind: 'api_key' });
        const caller = identify(state, findToken(state, req.headers, req.query, settings.legacyAuthorization));
        // Both servers answer an unauthenticated call with 401 and an empty body (§2.1).
        if (!caller) return empty(401);
        if (access === 'admin' && !isAdmin(caller)) return empty(403);
        return handler(req, caller);
      });
    },
  };
}

/** Query parameters bind case-insensitively on both servers. */
export function q(req: FakeRequest, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [k, v] of req.query) if (k.toLowerCase() === lower) return v;
  return null;
}

/** A list parameter: comma-separated (Jellyfin, Emby docs) or repeated (generated clients). */
export function qList(req: FakeRequest, name: string): string[] | null {
  const lower = name.toLowerCase();
  const values: string[] = [];
  for (const [k, v] of req.query) if (k.toLowerCase() === lower) values.push(...v.split(/[,|]/).map((t) => t.trim()).filter(Boolean));
  return values.length > 0 ? values : null;
}

export function qBool(req: FakeRequest, name: string): boolean | null {
  const v = q(req, name);
  return v === null ? null : v.toLowerCase() === 'true';
}

export function qInt(req: FakeRequest, name: string): number | null {
  const v = q(req, name);
  if (v === null || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** JSON bodies bind case-insensitively too. */
export function field(body: unknown, name: string): unknown {
  if (!body || typeof body !== 'object') return undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export const ok = (value: unknown): FakeResponse => json(200, omitNulls(value));

/**
 * An unhandled server exception. Jellyfin's ExceptionMiddleware hides the message behind
 * "Error processing request." (§2.2); Emby answers the exception message as plain text.
 */
export function serverError(flavor: Flavor, status: number, embyMessage: string): FakeResponse {
  return text(status, flavor === 'jellyfin' ? 'Error processing request.' : embyMessage);
}

/** A message an action returns on purpose (e.g. `StatusCode(403, "...")`): plain text on both. */
export const plain = (status: number, message: string): FakeResponse => text(status, message);

/** ASP.NET Core model-validation failure: `application/problem+json` ValidationProblemDetails. */
export function validationProblem(errors: Record<string, string[]>): FakeResponse {
  return {
    status: 400,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    body: JSON.stringify({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
      errors,
      traceId: `00-${newGuid()}-${newGuid().slice(0, 16)}-00`,
    }),
  };
}

export const userNotFound = (): FakeResponse => plain(404, 'User not found');
