import type { IncomingHttpHeaders } from 'node:http';
import type { MediaBrowserState } from './state.js';

export type Caller = { kind: 'api_key' } | { kind: 'user'; userId: string; admin: boolean };

/** `MediaBrowser Client="x", Token="y"` → { client: 'x', token: 'y' } (keys lower-cased, values URL-decoded). */
export function parseAuthorizationParams(header: string): { scheme: string; params: Record<string, string> } | null {
  const m = /^\s*(\S+)\s+(.*)$/.exec(header);
  if (!m) return null;
  const params: Record<string, string> = {};
  for (const part of m[2]!.matchAll(/([A-Za-z]+)\s*=\s*"([^"]*)"/g)) {
    params[part[1]!.toLowerCase()] = safeDecode(part[2]!);
  }
  return { scheme: m[1]!, params };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function queryParam(query: URLSearchParams, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [k, v] of query) if (k.toLowerCase() === lower) return v;
  return null;
}

/**
 * Finds the token the way each server does (integrations.md §2.1, §9.3). Jellyfin: the
 * `Authorization: MediaBrowser …` header and `?ApiKey=` always; `X-Emby-Token`,
 * `X-MediaBrowser-Token`, `X-Emby-Authorization` and `?api_key=` only with legacy authorization on.
 * Emby: `X-Emby-Token`, `X-Emby-Authorization`, `Authorization: Emby|MediaBrowser …` and `?api_key=`.
 */
export function findToken(state: MediaBrowserState, headers: IncomingHttpHeaders, query: URLSearchParams, legacy: boolean): string | null {
  const fromAuthHeader = (value: string | undefined, schemes: string[]): string | null => {
    if (!value) return null;
    const parsed = parseAuthorizationParams(value);
    if (!parsed || !schemes.includes(parsed.scheme.toLowerCase())) return null;
    return parsed.params.token ?? null;
  };
  if (state.flavor === 'jellyfin') {
    const schemes = legacy ? ['mediabrowser', 'emby'] : ['mediabrowser'];
    return (
      fromAuthHeader(header(headers, 'authorization'), schemes) ??
      queryParam(query, 'ApiKey') ??
      (legacy
        ? (fromAuthHeader(header(headers, 'x-emby-authorization'), ['mediabrowser', 'emby']) ??
          header(headers, 'x-emby-token') ??
          header(headers, 'x-mediabrowser-token') ??
          queryParam(query, 'api_key'))
        : null)
    );
  }
  return (
    header(headers, 'x-emby-token') ??
    fromAuthHeader(header(headers, 'x-emby-authorization'), ['mediabrowser', 'emby']) ??
    fromAuthHeader(header(headers, 'authorization'), ['mediabrowser', 'emby']) ??
    queryParam(query, 'api_key')
  );
}

export function identify(state: MediaBrowserState, token: string | null): Caller | null {
  if (!token) return null;
  if (state.apiKeys.has(token)) return { kind: 'api_key' };
  const userId = state.userTokens.get(token);
  if (!userId) return null;
  const user = state.users.get(userId);
  if (!user || user.policy.IsDisabled === true) return null;
  return { kind: 'user', userId, admin: user.policy.IsAdministrator === true };
}

export const isAdmin = (caller: Caller): boolean => caller.kind === 'api_key' || caller.admin;
