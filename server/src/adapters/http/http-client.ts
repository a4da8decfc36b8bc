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
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  json?: unknown;
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

/**
 * The one way Usher talks HTTP to the outside: base URL from config, a timeout, retries with jitter
 * for idempotent calls, optional HTTP proxy with credentials, optional acceptance of self-signed
 * certificates. Every failure becomes an IntegrationError; non-2xx answers do too.
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
    let lastError: IntegrationError | undefined;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(RETRY_BASE_MS * 2 ** (attempt - 1) * (0.5 + Math.random()));
      try {
        return await this.once(req);
      } catch (error) {
        if (!(error instanceof IntegrationError)) throw error;
        lastError = error;
        if (!error.retryable) throw error;
      }
    }
    throw lastError!;
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
    } else if (req.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    }
    let res;
    try {
      res = await undici().fetch(url, {
        method: req.method,
        headers,
        body,
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw this.networkError(error);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (error) {
      throw this.networkError(error);
    }
    if (res.status < 200 || res.status >= 300) throw this.statusError(res.status, text, req);
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

  private statusError(status: number, text: string, req: HttpRequest): IntegrationError {
    const service = this.options.service;
    const extras = { status, body: text.slice(0, 500) };
    const what = `${req.method} ${req.path}`;
    if (status === 401) {
      return new IntegrationError(service, 'unauthorized', `${service} refused the credentials (401 on ${what}).`, false, {
        ...extras,
        fix: `Check the token or API key saved for ${service}.`,
      });
    }
    if (status === 404) return new IntegrationError(service, 'not_found', `${service} has no such resource (404 on ${what}).`, false, extras);
    if (status === 429) return new IntegrationError(service, 'rate_limited', `${service} is rate limiting Usher (429).`, true, extras);
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
