import { json, type FakeRequest, type FakeResponse, type Handler } from '../core/fake-server.js';
import type { PlexTvState } from './plex-tv-state.js';
import { PlexTvFailure, type FakePlexAccount } from './plex-tv-types.js';
import { clientIdOf, tokenOf, v1Error, v2Error, wantsJson, xml } from './wire.js';
import { plexJsonToXml, type XmlNode } from './xml.js';

/** The request checks plex.tv applies before any v1 or v2 handler runs, and its error shapes. */

export type AccountHandler = (req: FakeRequest, account: FakePlexAccount) => FakeResponse;

/** v2: client identifier first (400/1000), then the token (401/1001); errors JSON or XML by Accept. */
export function v2(state: PlexTvState, handler: AccountHandler): Handler {
  return (req) => {
    if (!clientIdOf(req)) return v2Error(req, 400, 1000, 'X-Plex-Client-Identifier is missing');
    const account = state.accountByToken(tokenOf(req));
    if (!account) return v2Error(req, 401, 1001, 'User could not be authenticated');
    return guarded(req, () => handler(req, account), 'v2');
  };
}

/** v2 routes that need no token (PIN creation and polling, sign-in). */
export function v2Open(handler: Handler): Handler {
  return (req) => {
    if (!clientIdOf(req)) return v2Error(req, 400, 1000, 'X-Plex-Client-Identifier is missing');
    return guarded(req, () => handler(req) as FakeResponse, 'v2');
  };
}

/** v1: XML only, whatever Accept says; no client identifier required. */
export function v1(state: PlexTvState, handler: AccountHandler): Handler {
  return (req) => {
    const account = state.accountByToken(tokenOf(req));
    if (!account) return v1Error(401, 'Invalid authentication token.');
    return guarded(req, () => handler(req, account), 'v1');
  };
}

function guarded(req: FakeRequest, run: () => FakeResponse, generation: 'v1' | 'v2'): FakeResponse {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof PlexTvFailure)) throw error;
    if (generation === 'v2') return v2Error(req, error.wire.v2Status ?? error.status, error.code, error.message);
    return error.wire.v1Response ? xml(error.status, { name: 'Response', attrs: { code: error.status, status: error.message } }) : v1Error(error.status, error.message);
  }
}

/** v2 answers JSON with `Accept: application/json` and XML otherwise. */
export function v2Answer(req: FakeRequest, status: number, value: unknown, root: string, item = root): FakeResponse {
  if (wantsJson(req)) return json(status, value);
  if (Array.isArray(value)) {
    const children: XmlNode[] = value.map((v) => plexJsonToXml(item, v as Record<string, unknown>));
    return xml(status, { name: root, attrs: { size: value.length }, children });
  }
  return xml(status, plexJsonToXml(root, value as Record<string, unknown>));
}
