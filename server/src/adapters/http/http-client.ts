import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';
import { lazy } from '../../platform/lazy.js';

import { IntegrationError } from './integration-error.js';

const undici = lazy<typeof Undici>('undici');

export interface ProxyConfig {
  url: string;
  username?: string | null;
  password?: string | null;
}

export interface HttpClientOptions {
  /** Names the remote service in errors and logs, e.g. "plex.tv" or "Jellyfin". */
  service: string;
  baseUrl: string;
  timeoutMs?: number;
  /** Extra attempts for idempotent requests that failed in a retryable way. */
  retries?: number;
  proxy?: ProxyConfig | null;
  allowSelfSigned?: boolean;
  defaultHeaders?: Record<string, string>;
  /** Largest response body read, in bytes (default 20 MB); a bigger answer is an error. */
  maxBodyBytes?: number;
  /** Longest total wait Usher accepts from Retry-After answers per request (default 30 s). */
  maxRetryWaitMs?: number;
  /** How the client waits between attempts; tests inject one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  json?: unknown;
  /** A JSON body already serialized, sent byte for byte (e.g. a received webhook spliced into a verify call). */
  rawJson?: string;
  form?: Record<string, string>;
  /** POSTs are retried only when the caller says the call is safe to repeat. */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

const RETRY_BASE_MS = 150;
const MAX_REDIRECTS = 5;
const MAX_RETRY_AFTER_WAITS = 5;
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
export const DEFAULT_MAX_RETRY_WAIT_MS = 30_000;

/**
 * The one way Usher talks HTTP to the outside: base URL from config, a timeout, retries with jitter
 * for idempotent calls, optional HTTP proxy with credentials, optional acceptance of self-signed
 * certificates. Every failure becomes an IntegrationError; non-2xx answers do too.
 *
 * Requests carry tokens (headers and api_key query parameters), so redirects are followed by hand
 * and only within the origin they were sent to: a server or a man in the middle answering 302 to
 * another host must not collect them. Bodies are capped so a hostile answer cannot exhaust memory,
 * and Retry-After is honoured within a bounded wait instead of hammering a rate-limited service.
 */
export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly baseUrl: string;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const connect = options.allowSelfSigned ? { rejectUnauthorized: false } : {};
    if (options.proxy?.url) {
      const { username, password } = options.proxy;
      const token = username ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` : undefined;
      this.dispatcher = new (undici().ProxyAgent)({ uri: options.proxy.url, ...(token ? { token } : {}), requestTls: connect });
    } else {
      this.dispatcher = new (undici().Agent)({ connect, keepAliveTimeout: 10_000 });
    }
  }

  get service(): string {
    return this.options.service;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const idempotent = req.idempotent ?? req.method !== 'POST';
    const attempts = 1 + (idempotent ? (this.options.retries ?? 2) : 0);
    const budget = this.options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
    let waited = 0;
    let waits = 0;
    let attempt = 0;
    for (;;) {
      try {
        return await this.once(req);
      } catch (error) {
        if (!(error instanceof IntegrationError)) throw error;
        // A 429 means the request was not processed, so even a POST may be sent again.
        if (error.retryAfterMs !== undefined && (error.status === 429 || idempotent)) {
          if (waits >= MAX_RETRY_AFTER_WAITS || waited + error.retryAfterMs > budget) throw this.waitTooLong(error, req);
          waited += error.retryAfterMs;
          waits++;
          await this.sleep(error.retryAfterMs);
          continue;
        }
        attempt++;
        if (!error.retryable || attempt >= attempts) throw error;
        await this.sleep(RETRY_BASE_MS * 2 ** (attempt - 1) * (0.5 + Math.random()));
      }
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async once(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(this.baseUrl + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { ...this.options.defaultHeaders, ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    } else if (req.rawJson !== undefined) {
      headers['content-type'] = 'application/json';
      body = req.rawJson;
    } else if (req.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    }
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 15_000);
    let method: string = req.method;
    let current = url;
    let res;
    for (let hop = 0; ; hop++) {
      try {
        res = await undici().fetch(current, { method, headers, body, dispatcher: this.dispatcher, signal, redirect: 'manual' });
      } catch (error) {
        throw this.networkError(error);
      }
      const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
      if (!location) break;
      await res.body?.cancel().catch(() => undefined);
      const next = this.redirectTarget(current, location, req);
      if (hop >= MAX_REDIRECTS) {
        throw new IntegrationError(this.service, 'invalid_response', `${this.service} redirected more than ${MAX_REDIRECTS} times (${req.method} ${req.path}).`, false, {
          status: res.status,
          fix: `Check the URL saved for ${this.service}.`,
        });
      }
      // As browsers do: 303, and 301/302 after a POST, become a GET without a body.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      current = next;
    }
    const text = await this.readCapped(res, req);
    if (res.status < 200 || res.status >= 300) throw this.statusError(res.status, text, req, res.headers);
    const service = this.options.service;
    return {
      status: res.status,
      headers: res.headers,
      text,
      json<T>(): T {
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new IntegrationError(service, 'invalid_response', `${service} answered something that is not JSON.`, true, {
            status: res.status,
            body: text.slice(0, 300),
          });
        }
      },
    };
  }

  /** A same-origin redirect target; anything else is refused before a byte goes there. */
  private redirectTarget(current: URL, location: string, req: HttpRequest): URL {
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new IntegrationError(this.service, 'invalid_response', `${this.service} redirected to an invalid address (${req.method} ${req.path}).`, false);
    }
    if (next.origin !== current.origin) {
      throw new IntegrationError(
        this.service,
        'rejected',
        `${this.service} redirected Usher to another address (${next.origin}); Usher does not follow it, so the credentials stay with ${current.origin}.`,
        false,
        { cause: 'cross_origin_redirect', fix: `If ${this.service} really moved, save its new address (${next.origin}) in Usher.` },
      );
    }
    return next;
  }

  private async readCapped(res: Undici.Response, req: HttpRequest): Promise<string> {
    const limit = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const tooLarge = () =>
      new IntegrationError(
        this.service,
        'invalid_response',
        `${this.service} answered with more than ${formatBytes(limit)} (${req.method} ${req.path}); Usher stopped reading.`,
        false,
        { status: res.status, cause: 'response_too_large', fix: `Check that the URL saved for ${this.service} points to the service itself.` },
      );
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      await res.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (!res.body) return '';
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > limit) {
          await reader.cancel().catch(() => undefined);
          throw tooLarge();
        }
        chunks.push(value);
      }
    } catch (error) {
      if (error instanceof IntegrationError) throw error;
      throw this.networkError(error);
    }
    return new TextDecoder().decode(Buffer.concat(chunks));
  }

  private waitTooLong(error: IntegrationError, req: HttpRequest): IntegrationError {
    const seconds = Math.ceil((error.retryAfterMs ?? 0) / 1000);
    const kind = error.status === 429 ? 'rate_limited' : error.kind;
    const what = error.status === 429 ? `Rate limited by ${this.service}` : `${this.service} is unavailable (${error.status ?? 503})`;
    return new IntegrationError(this.service, kind, `${what}: it asks Usher to wait ${seconds} s (${req.method} ${req.path}); try again later.`, true, {
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.body !== undefined ? { body: error.body } : {}),
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      fix: `Wait a while before trying again: ${this.service} limits how often Usher may call it.`,
    });
  }

  private sleep(ms: number): Promise<void> {
    return (this.options.sleep ?? sleep)(ms);
  }

  private networkError(error: unknown): IntegrationError {
    const service = this.options.service;
    const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = err.cause?.code ?? '';
    // undici reports the proxy's own refusal as a connection error ("Proxy response (407) !== 200
    // when HTTP Tunneling"); it is the proxy credentials, not the remote service, that are wrong.
    const proxyStatus = /Proxy (?:response \((\d{3})\)|Authentication Required \((\d{3})\))/.exec(causeMessages(error));
    if (proxyStatus) {
      const status = Number(proxyStatus[1] ?? proxyStatus[2]);
      if (status === 407) {
        return new IntegrationError(service, 'unauthorized', `The proxy refused Usher's credentials (407) before reaching ${service}.`, false, {
          status,
          fix: 'Check the proxy username and password.',
          cause: 'proxy_auth',
        });
      }
      return new IntegrationError(service, 'unavailable', `The proxy could not connect Usher to ${service} (${status}).`, true, {
        status,
        fix: 'Check the proxy URL and that the proxy can reach the internet.',
      });
    }
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      return new IntegrationError(service, 'timeout', `${service} did not answer in time.`, true, {
        fix: `Check that ${service} is running and reachable from Usher.`,
      });
    }
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|DEPTH_ZERO/.test(code)) {
      return new IntegrationError(service, 'tls', `${service}'s TLS certificate is not trusted.`, false, {
        networkCode: code,
        fix: 'Use a certificate from a public authority, or turn on "Allow self-signed certificate" for this server.',
      });
    }
    return new IntegrationError(service, 'unavailable', `Cannot reach ${service}: ${networkReason(code)}.`, true, {
      fix: `Check the URL and that ${service} is running and reachable from Usher.`,
      networkCode: code || err.cause?.message || err.message || 'network error',
    });
  }

  private statusError(status: number, text: string, req: HttpRequest, headers: Headers): IntegrationError {
    const service = this.options.service;
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(headers.get('retry-after'), Date.now()) : undefined;
    const extras = { status, body: text.slice(0, 500), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    const what = `${req.method} ${req.path}`;
    if (status === 401) {
      return new IntegrationError(service, 'unauthorized', `${service} refused the credentials (401 on ${what}).`, false, {
        ...extras,
        fix: `Check the token or API key saved for ${service}.`,
      });
    }
    if (status === 404) return new IntegrationError(service, 'not_found', `${service} has no such resource (404 on ${what}).`, false, extras);
    if (status === 429) {
      return new IntegrationError(service, 'rate_limited', `Rate limited by ${service} (429 on ${what}).`, true, {
        ...extras,
        fix: `Wait a while before trying again: ${service} limits how often Usher may call it.`,
      });
    }
    if (status === 407) {
      return new IntegrationError(service, 'unauthorized', `The proxy refused Usher's credentials (407).`, false, {
        ...extras,
        fix: 'Check the proxy username and password.',
      });
    }
    if (status >= 500) return new IntegrationError(service, 'unavailable', `${service} failed (${status} on ${what}).`, true, extras);
    return new IntegrationError(service, 'rejected', `${service} refused the request (${status} on ${what}).`, false, extras);
  }
}

/** Plain words for the network codes an operator meets; the code itself goes to the log. */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening at that address and port',
  ENOTFOUND: 'that host name does not exist',
  EAI_AGAIN: 'the host name could not be looked up right now',
  EHOSTUNREACH: 'that host cannot be reached from here',
  ENETUNREACH: 'that network cannot be reached from here',
  ECONNRESET: 'the connection was cut off',
  EPIPE: 'the connection was cut off',
  UND_ERR_SOCKET: 'the connection was closed before an answer came',
  UND_ERR_CONNECT_TIMEOUT: 'the connection could not be opened in time',
  UND_ERR_HEADERS_TIMEOUT: 'it accepted the connection but did not answer',
  UND_ERR_BODY_TIMEOUT: 'the answer stopped half-way',
  ERR_INVALID_URL: 'the address is not a valid URL',
};

export function networkReason(code: string): string {
  return NETWORK_REASONS[code] ?? 'the network connection failed';
}

/** The messages of an error and its causes (undici nests the interesting one two levels down). */
function causeMessages(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    parts.push(String((current as { message?: unknown }).message ?? ''));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(' | ');
}

/** Retry-After as delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
