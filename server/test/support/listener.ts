import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP listener standing for a host an attacker controls: it records every connection
 * and every byte sent to it (HTTP, SMTP or a proxy handshake alike) and answers nothing useful.
 */
export class RecordingListener {
  connections = 0;
  private readonly chunks: Buffer[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  port = 0;

  constructor() {
    this.server = createServer((socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      setTimeout(() => socket.destroy(), 200).unref();
    });
  }

  get received(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
