import { empty, json, type FakeRequest } from '../core/fake-server.js';
import type { PmsSectionType } from './pms-library.js';
import type { PlexMediaServerFake } from './pms-fake.js';
import type { PmsPlayState, PmsSession, StartSessionInput } from './pms-sessions.js';
import { bodyObject } from './wire.js';

/** `/__control/*` routes of a fake PMS, for the demo and e2e (tests use the object directly). */
export function addPmsControlRoutes(pms: PlexMediaServerFake): void {
  const http = pms.http;
  http.route('GET', '/__control/state', () =>
    json(200, {
      name: pms.name,
      machineId: pms.machineId,
      accessToken: pms.accessToken,
      version: pms.version,
      libraries: pms.libraries,
      sessions: [...pms.sessions.values()].map(sessionView),
      activities: [...pms.activities.values()],
      terminations: pms.terminations,
      websocketClients: pms.notifications.clientCount,
      websocketConnections: pms.notifications.connections,
    }),
  );
  http.route('POST', '/__control/sessions', (req) => {
    const b = bodyObject(req) as Partial<StartSessionInput>;
    if (b.userId === undefined || !b.username) return json(400, { error: 'userId and username are required' });
    return json(201, sessionView(pms.startSession(b as StartSessionInput)));
  });
  http.route('POST', '/__control/sessions/:sessionKey/state', (req) => {
    const state = bodyObject(req).state as PmsPlayState | undefined;
    if (state !== 'playing' && state !== 'paused' && state !== 'buffering') return json(400, { error: 'state must be playing, paused or buffering' });
    const s = pms.setSessionState(req.params.sessionKey!, state);
    return s ? json(200, sessionView(s)) : json(404, { error: 'no such session' });
  });
  http.route('POST', '/__control/sessions/:sessionKey/stop', (req) => (pms.stopSession(req.params.sessionKey!) ? empty() : json(404, { error: 'no such session' })));
  http.route('POST', '/__control/activities', (req) => {
    const b = bodyObject(req);
    if (typeof b.userId !== 'number' || typeof b.username !== 'string') return json(400, { error: 'userId (number) and username are required' });
    return json(201, pms.startActivity({ userId: b.userId, username: b.username, title: b.title as string | undefined, progress: b.progress as number | undefined }));
  });
  http.route('POST', '/__control/activities/:uuid', (req) => {
    const a = pms.updateActivity(req.params.uuid!, Number(bodyObject(req).progress ?? 0));
    return a ? json(200, a) : json(404, { error: 'no such activity' });
  });
  http.route('DELETE', '/__control/activities/:uuid', (req) => (pms.endActivity(req.params.uuid!) ? empty() : json(404, { error: 'no such activity' })));
  http.route('POST', '/__control/libraries', (req: FakeRequest) => {
    const b = bodyObject(req);
    if (typeof b.title !== 'string' || !['movie', 'show', 'artist', 'photo'].includes(String(b.type))) {
      return json(400, { error: 'title and type (movie|show|artist|photo) are required' });
    }
    return json(201, pms.addLibrary({ ...(b as object), title: b.title, type: b.type as PmsSectionType }));
  });
  http.route('DELETE', '/__control/libraries/:key', (req) => (pms.removeLibrary(req.params.key!) ? empty() : json(404, { error: 'no such library' })));
  http.route('POST', '/__control/machine-id', (req) => {
    const wanted = bodyObject(req).machineId;
    const machineId = pms.changeMachineId(typeof wanted === 'string' && wanted ? wanted : undefined);
    return json(200, { machineId, accessToken: pms.accessToken });
  });
  http.route('POST', '/__control/websockets/drop', () => {
    pms.notifications.dropAll();
    return empty();
  });
}

export function sessionView(s: PmsSession): Record<string, unknown> {
  return {
    sessionKey: s.sessionKey,
    sessionId: s.sessionId,
    userId: s.userId,
    username: s.username,
    state: s.state,
    transcode: s.transcode,
    source4k: s.item.source4k,
    ratingKey: s.item.ratingKey,
    title: s.item.title,
    viewOffset: s.viewOffset,
  };
}
