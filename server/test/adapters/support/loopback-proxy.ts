import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback HTTP proxy for tests: demands `Proxy-Authorization: Basic …` (407 otherwise) and
 * counts every request it forwards. It serves both proxy styles: absolute-URI requests, and CONNECT
 * tunnels (undici's default), whose plain-HTTP traffic it reads request by request so each one is
 * counted too.
 */
export class LoopbackProxy {
  /** Requests forwarded to a target, by "METHOD host:port/path". */
  readonly forwarded: string[] = [];
  refused = 0;
  private readonly outer: Server;
  private readonly inner: Server;
  private readonly tunnelTarget = new WeakMap<Socket, string>();
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly username: string,
    private readonly password: string,
  ) {
    this.inner = createServer((req, res) => this.forward(req, res, this.tunnelTarget.get(req.socket) ?? ''));
    this.outer = createServer((req, res) => {
      if (!this.authorized(req)) {
        this.refused++;
        res.writeHead(407, { 'proxy-authenticate': 'Basic realm="usher-test"', connection: 'close' }).end();
        return;
      }
      const target = new URL(req.url ?? '');
      this.forward(req, res, target.host, `${target.pathname}${target.search}`);
    });
    this.outer.on('connection', (s: Socket) => this.track(s));
    this.outer.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (!this.authorized(req)) {
        this.refused++;
        socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="usher-test"\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.tunnelTarget.set(socket, req.url ?? '');
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) socket.unshift(head);
      this.inner.emit('connection', socket);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.outer.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.outer.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.outer.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    return req.headers['proxy-authorization'] === expected;
  }

  private forward(req: IncomingMessage, res: ServerResponse, hostPort: string, path = req.url ?? '/'): void {
    const [host, port] = hostPort.split(':');
    this.forwarded.push(`${req.method ?? 'GET'} ${hostPort}${path}`);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest({ host, port: Number(port || 80), method: req.method, path, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  }
}
