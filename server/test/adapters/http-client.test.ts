import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES, HttpClient, parseRetryAfter, type HttpClientOptions } from '../../src/adapters/http/http-client.js';
import { IntegrationError } from '../../src/adapters/http/integration-error.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback HTTP server whose answers each test sets, recording every request it receives. */
class Loopback {
  handler: Handler = (_req, res) => res.end('{}');
  readonly seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
  private readonly server: Server = createServer((req, res) => {
    this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => this.handler(req, res));
  });
  url = '';

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const TOKEN = 'secret-plex-token-31f';

async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IntegrationError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('HttpClient', () => {
  let a: Loopback;
  let b: Loopback;
  const clients: HttpClient[] = [];
  const waits: number[] = [];

  function client(options: Partial<HttpClientOptions> = {}): HttpClient {
    const created = new HttpClient({
      service: 'plex.tv',
      baseUrl: a.url,
      defaultHeaders: { 'X-Plex-Token': TOKEN },
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      ...options,
    });
    clients.push(created);
    return created;
  }

  beforeAll(async () => {
    a = await new Loopback().listen();
    b = await new Loopback().listen();
  });
  afterEach(() => {
    a.seen.length = 0;
    b.seen.length = 0;
    waits.length = 0;
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await a.close();
    await b.close();
  });

  it('refuses a redirect to another origin: the other server receives nothing, token or not', async () => {
    a.handler = (_req, res) => res.writeHead(302, { location: `${b.url}/collect` }).end();
    const error = await failure(client().request({ method: 'GET', path: '/api/resources', query: { api_key: TOKEN }, headers: { Authorization: `Bearer ${TOKEN}` } }));
    expect(error).toMatchObject({ kind: 'rejected', reason: 'cross_origin_redirect', retryable: false });
    expect(error.message).toContain(b.url);
    expect(a.seen).toHaveLength(1);
    expect(b.seen).toHaveLength(0);

    // Same host, other port or scheme is another origin too.
    a.handler = (_req, res) => res.writeHead(301, { location: a.url.replace('http:', 'https:') + '/x' }).end();
    expect((await failure(client().request({ method: 'GET', path: '/y' }))).reason).toBe('cross_origin_redirect');
  });

  it('follows a same-origin redirect with the token; a 303 after a POST becomes a GET', async () => {
    a.handler = (req, res) => {
      if (req.url === '/old') res.writeHead(301, { location: '/new?x=1' }).end();
      else if (req.url === '/form') res.writeHead(303, { location: `${a.url}/result` }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ at: req.url, method: req.method }));
    };
    const moved = await client().request({ method: 'GET', path: '/old' });
    expect(moved.json()).toEqual({ at: '/new?x=1', method: 'GET' });
    expect(a.seen.map((r) => r.headers['x-plex-token'])).toEqual([TOKEN, TOKEN]);

    const posted = await client().request({ method: 'POST', path: '/form', json: { a: 1 } });
    expect(posted.json()).toEqual({ at: '/result', method: 'GET' });
  });

  it('stops after five redirects', async () => {
    a.handler = (req, res) => res.writeHead(302, { location: `/loop${(req.url?.length ?? 0) + 1}` }).end();
    const error = await failure(client().request({ method: 'GET', path: '/loop' }));
    expect(error.message).toMatch(/redirected more than 5 times/);
    expect(a.seen).toHaveLength(6);
  });

  it('caps response bodies, declared or streamed, with a clear error', async () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(20 * 1024 * 1024);
    const big = 'x'.repeat(64 * 1024);
    a.handler = (req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': String(big.length * 20) });
        res.end(big.repeat(20));
        return;
      }
      // Chunked, no length: the cap applies while reading.
      res.writeHead(200);
      for (let i = 0; i < 20; i++) res.write(big);
      res.end();
    };
    for (const path of ['/declared', '/streamed']) {
      const error = await failure(client({ maxBodyBytes: 512 * 1024 }).request({ method: 'GET', path }));
      expect(error).toMatchObject({ kind: 'invalid_response', reason: 'response_too_large', retryable: false });
      expect(error.message).toContain('plex.tv answered with more than 524288 bytes');
    }
    a.handler = (_req, res) => res.end(big);
    expect((await client({ maxBodyBytes: 512 * 1024 }).request({ method: 'GET', path: '/small' })).text).toHaveLength(big.length);
  });

  it('honours Retry-After on 429 and 503, then succeeds', async () => {
    let calls = 0;
    a.handler = (_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(429, { 'retry-after': '2' }).end();
      else if (calls === 2) res.writeHead(503, { 'retry-after': new Date(Date.now() + 3_000).toUTCString() }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    };
    const res = await client().request({ method: 'GET', path: '/api/v2/friends' });
    expect(res.json()).toEqual({ ok: true });
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBe(2_000);
    expect(waits[1]).toBeGreaterThan(1_000);
    expect(waits[1]).toBeLessThanOrEqual(3_000);

    // A 429 was not processed, so a POST is sent again as well; a 503 may have been, so it is not.
    const answers = [429, 200, 503];
    a.handler = (_req, res) => res.writeHead(answers.shift()!, { 'retry-after': '1' }).end();
    waits.length = 0;
    const posted = await client().request({ method: 'POST', path: '/api/v2/shared_servers', json: {} });
    expect(posted.status).toBe(200);
    expect(waits).toEqual([1_000]);
    const unavailable = await failure(client().request({ method: 'POST', path: '/api/v2/shared_servers', json: {} }));
    expect(unavailable).toMatchObject({ kind: 'unavailable', status: 503 });
  });

  it('a Retry-After beyond the bounded wait fails at once as "rate limited by plex.tv", not unreachable', async () => {
    a.handler = (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end();
    const error = await failure(client().request({ method: 'GET', path: '/api/v2/user' }));
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 120_000, status: 429 });
    expect(error.message).toMatch(/^Rate limited by plex\.tv: it asks Usher to wait 120 s/);
    expect(waits).toEqual([]);
    expect(a.seen).toHaveLength(1);

    // Short waits add up: the total stays within the budget.
    a.handler = (_req, res) => res.writeHead(429, { 'retry-after': '20' }).end();
    const total = await failure(client().request({ method: 'GET', path: '/api/v2/user' }));
    expect(total.kind).toBe('rate_limited');
    expect(waits).toEqual([20_000]);
    expect(a.seen).toHaveLength(3);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:10 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
