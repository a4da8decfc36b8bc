import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A small HTTP framework shared by every fake third-party service: routing, per-endpoint request
 * counting, fault injection and the `/__control/*` surface tests and the demo drive. Each fake adds
 * its own wire-faithful routes on top.
 */

export interface FakeRequest {
  socket: Socket;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  params: Record<string, string>;
  rawBody: string;
  /** Parsed JSON body, or the form fields of an urlencoded body, or undefined. */
  body: unknown;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  /** The route as written (e.g. "GET /Users/:id"): the key request counts are kept under. */
  name: string;
  handler: Handler;
}

export interface Fault {
  /** Route name ("GET /Users/:id") or "*" for every non-control route. */
  route: string;
  remaining: number;
  kind: 'status' | 'hang' | 'reset';
  status?: number;
  body?: string;
  /** Extra response headers, e.g. Retry-After on a 429. */
  headers?: Record<string, string>;
}

export interface FakeServerOptions {
  /** Serve HTTPS with this key/certificate (self-signed in tests). */
  tls?: { key: string; cert: string };
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): FakeResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(value),
});

export const text = (status: number, value: string, contentType = 'text/plain; charset=utf-8'): FakeResponse => ({
  status,
  headers: { 'content-type': contentType },
  body: value,
});

export const empty = (status = 204): FakeResponse => ({ status });

export class FakeHttpServer {
  private readonly routes: Route[] = [];
  private readonly faults: Fault[] = [];
  private readonly counts = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | null = null;
  private down = false;
  readonly wss = new WebSocketServer({ noServer: true });
  /**
   * Maps a request path onto the routes before matching (e.g. Emby also answers every route under
   * `/emby/`); counts and faults are kept under the route the rewritten path matches.
   */
  rewritePath: ((path: string) => string) | null = null;
  /**
   * Serves the fake under a path, as a reverse proxy at `https://host/emby/` would: only requests
   * and websocket upgrades below it reach the fake (with the path taken off); the rest are 404.
   */
  mountPath: string | null = null;
  /** Decides whether an upgrade is accepted; fakes with websockets replace it. */
  onUpgrade: ((req: IncomingMessage, accept: (onSocket: (ws: WebSocket) => void) => void, reject: (status: number) => void) => void) | null = null;

  constructor(
    readonly serviceName: string,
    private readonly options: FakeServerOptions = {},
  ) {
    this.addControlRoutes();
  }

  route(method: string, path: string, handler: Handler): void {
    const keys: string[] = [];
    const pattern = new RegExp(
      '^' +
        path
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\\\$/g, '$')
          .replace(/:([A-Za-z_]+)/g, (_m, key: string) => {
            keys.push(key);
            return '([^/]+)';
          }) +
        '/?$',
      'i',
    );
    this.routes.push({ method, pattern, keys, name: `${method} ${path}`, handler });
  }

  /** Injects a fault into the next `times` calls of a route (or "*"). */
  fail(route: string, times: number, status = 500, body = 'injected failure', headers: Record<string, string> = {}): void {
    this.faults.push({ route, remaining: times, kind: 'status', status, body, headers });
  }

  hang(route: string, times: number): void {
    this.faults.push({ route, remaining: times, kind: 'hang' });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** While down, every connection is reset, like a server that is off. */
  setDown(down: boolean): void {
    this.down = down;
  }

  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  totalRequests(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  resetCounts(): void {
    this.counts.clear();
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const listener = (req: IncomingMessage, res: ServerResponse) => void this.dispatch(req, res);
    this.server = this.options.tls ? createHttpsServer(this.options.tls, listener) : createHttpServer(listener);
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (this.down || !this.onUpgrade) {
        socket.destroy();
        return;
      }
      const mounted = this.unmount(new URL(req.url ?? '/', 'http://fake').pathname);
      if (mounted === null) {
        socket.write('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        socket.destroy();
        return;
      }
      this.onUpgrade(
        req,
        (onSocket) => this.wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws)),
        (status) => {
          socket.write(`HTTP/1.1 ${status} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
          socket.destroy();
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    return this.url;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error(`${this.serviceName} fake is not listening`);
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const client of this.wss.clients) client.terminate();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.wss.close();
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    // While down, only the control surface answers (so a test or the demo can bring it back up).
    if (this.down && !url.pathname.startsWith('/__control/')) {
      req.socket.destroy();
      return;
    }
    const rawBody = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const isControl = url.pathname.startsWith('/__control/');
    const unmounted = isControl ? url.pathname : this.unmount(url.pathname);
    if (unmounted === null) {
      send(res, text(404, `${this.serviceName} fake: ${url.pathname} is outside ${this.mountPath}`));
      return;
    }
    const path = !isControl && this.rewritePath ? this.rewritePath(unmounted) : unmounted;
    const match = this.match(method, path);
    if (!match) {
      send(res, text(404, `${this.serviceName} fake: no route ${method} ${url.pathname}`));
      return;
    }
    if (!isControl) {
      this.counts.set(match.route.name, (this.counts.get(match.route.name) ?? 0) + 1);
      const fault = this.takeFault(match.route.name);
      if (fault?.kind === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (fault?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'status') {
        const answer = text(fault.status ?? 500, fault.body ?? 'injected failure');
        send(res, { ...answer, headers: { ...answer.headers, ...fault.headers } });
        return;
      }
    }
    const request: FakeRequest = {
      socket: req.socket,
      method,
      path,
      query: url.searchParams,
      headers: req.headers,
      params: match.params,
      rawBody,
      body: parseBody(rawBody, req.headers['content-type']),
    };
    try {
      send(res, await match.route.handler(request));
    } catch (error) {
      send(res, text(500, `${this.serviceName} fake crashed: ${(error as Error).message}`));
    }
  }

  /** The path below the mount point, or null when it is outside it. */
  private unmount(path: string): string | null {
    if (!this.mountPath) return path;
    const mount = this.mountPath.replace(/\/+$/, '');
    if (path === mount) return '/';
    return path.toLowerCase().startsWith(`${mount.toLowerCase()}/`) ? path.slice(mount.length) : null;
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => (params[key] = decodeURIComponent(m[i + 1]!)));
      return { route, params };
    }
    return null;
  }

  private takeFault(routeName: string): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && (f.route === '*' || f.route === routeName));
    if (fault) fault.remaining--;
    return fault;
  }

  private addControlRoutes(): void {
    this.route('GET', '/__control/requests', () => json(200, { total: this.totalRequests(), byRoute: this.requestCounts() }));
    this.route('POST', '/__control/requests/reset', () => {
      this.resetCounts();
      return empty();
    });
    this.route('POST', '/__control/fail', (req) => {
      const b = (req.body ?? {}) as { route?: string; times?: number; status?: number; body?: string; kind?: string };
      if (b.kind === 'hang') this.hang(b.route ?? '*', b.times ?? 1);
      else this.fail(b.route ?? '*', b.times ?? 1, b.status ?? 500, b.body);
      return empty();
    });
    this.route('POST', '/__control/faults/clear', () => {
      this.clearFaults();
      return empty();
    });
    this.route('POST', '/__control/down', (req) => {
      const b = (req.body ?? {}) as { down?: boolean };
      this.setDown(b.down !== false);
      if (this.down) for (const socket of this.sockets) if (socket !== req.socket) socket.destroy();
      return empty();
    });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, response: FakeResponse): void {
  if (res.headersSent) return;
  res.writeHead(response.status, response.headers ?? {});
  res.end(response.body);
}
