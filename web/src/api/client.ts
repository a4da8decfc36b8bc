import createClient, { type Middleware } from 'openapi-fetch';
import { fieldLabel, humanizeIssue } from '../lib/issue-text';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** Every failed API call, carrying the server's stable error code and human message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field-level problems from `validation_failed` / `invalid_settings` bodies, keyed by field path. */
  fieldErrors(): Record<string, string> {
    const issues = (this.details as { issues?: { path?: string; message?: string }[] } | undefined)?.issues;
    const out: Record<string, string> = {};
    for (const issue of issues ?? []) {
      if (issue.path) out[issue.path.replace(/^(body|values|secrets)\./, '')] = issue.message ?? 'invalid';
    }
    return out;
  }

  /** What the admin should do about an integration failure (502 bodies carry it in details.fix). */
  get fix(): string | undefined {
    const fix = (this.details as { fix?: unknown } | undefined)?.fix;
    return typeof fix === 'string' && fix ? fix : undefined;
  }
}

export const CSRF_COOKIE = 'usher_csrf';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

// The session cookie is HttpOnly; the server proves a write came from our pages by this echo.
const csrf: Middleware = {
  onRequest({ request }) {
    if (MUTATING.has(request.method)) {
      const token = readCookie(CSRF_COOKIE);
      if (token) request.headers.set('X-CSRF-Token', token);
    }
    return request;
  },
};

function origin(): string {
  return typeof window === 'undefined' ? 'http://localhost' : window.location.origin;
}

export const api = createClient<paths>({ baseUrl: origin(), credentials: 'same-origin' });
api.use(csrf);

function toApiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(status, error.code, error.message, error.details);
  }
  return new ApiError(status, `http_${status}`, `The server answered with an unexpected error (HTTP ${status}).`);
}

/**
 * Awaits an openapi-fetch call and returns its typed data, or throws an ApiError with the server's
 * code and message (or `network_error` when the server could not be reached).
 */
export async function unwrap<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await pending;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError(0, 'network_error', 'The server could not be reached. Check your connection and try again.');
  }
  if (!result.response.ok || result.error !== undefined) throw toApiError(result.response.status, result.error);
  return result.data as T;
}

/** The message and, for a failure the admin can fix (a refused token, a wrong URL), how to fix it. */
export function describeError(error: unknown): { message: string; fix?: string } {
  if (error instanceof ApiError) {
    const fields = Object.entries(error.fieldErrors());
    const message = fields.length > 0 ? `${error.message} ${fields.map(([f, m]) => `${fieldLabel(f)}: ${humanizeIssue(m)}`).join(' ')}` : error.message;
    return error.fix ? { message, fix: error.fix } : { message };
  }
  return { message: error instanceof Error ? error.message : 'Something went wrong.' };
}

export function errorMessage(error: unknown): string {
  const { message, fix } = describeError(error);
  return fix ? `${message} How to fix: ${fix}` : message;
}
