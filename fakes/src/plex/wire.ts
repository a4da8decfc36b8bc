import { randomBytes } from 'node:crypto';
import { json, type FakeRequest, type FakeResponse } from '../core/fake-server.js';
import { escapeXml, xmlDocument, xmlNodeToJson, type XmlNode } from './xml.js';

/** Wire helpers shared by the plex.tv and Plex Media Server fakes. */

export function wantsJson(req: FakeRequest): boolean {
  return (req.headers.accept ?? '').includes('application/json');
}

/** Plex takes the token as a header or as a query parameter; both work everywhere. */
export function tokenOf(req: FakeRequest): string | null {
  const header = req.headers['x-plex-token'];
  const value = (Array.isArray(header) ? header[0] : header) ?? req.query.get('X-Plex-Token');
  return value ? value : null;
}

export function clientIdOf(req: FakeRequest): string | null {
  const header = req.headers['x-plex-client-identifier'];
  const value = (Array.isArray(header) ? header[0] : header) ?? req.query.get('X-Plex-Client-Identifier');
  return value ? value : null;
}

export function xml(status: number, root: XmlNode, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers: { 'content-type': 'application/xml; charset=utf-8', ...headers }, body: xmlDocument(root) };
}

/**
 * The v1 routes that read XML by default but answer JSON to `Accept: application/json` (public
 * clients read `/api/servers/{id}/shared_servers` that way), so a client that asks for JSON and
 * parses XML is caught.
 */
export function v1Answer(req: FakeRequest, status: number, root: XmlNode): FakeResponse {
  return wantsJson(req) ? json(status, { [root.name]: xmlNodeToJson(root) }) : xml(status, root);
}

export function html(status: number, body: string): FakeResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

/** plex.tv v2 error: JSON `{"errors":[…]}` when JSON was asked for, the XML twin otherwise. */
export function v2Error(req: FakeRequest, status: number, code: number, message: string): FakeResponse {
  if (wantsJson(req)) return json(status, { errors: [{ code, message, status }] });
  return xml(status, { name: 'errors', children: [{ name: 'error', attrs: { code, message, status } }] });
}

/** plex.tv v1 errors are XML whatever the Accept header says. */
export function v1Error(status: number, message: string): FakeResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml; charset=utf-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<errors><error>${escapeXml(message)}</error></errors>`,
  };
}

export function gone(): FakeResponse {
  return xml(410, { name: 'Response', attrs: { code: 410, status: 'This endpoint was deprecated and removed' } });
}

export function randomToken(length = 20): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function bodyObject(req: FakeRequest): Record<string, unknown> {
  return req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
}
