import { describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/adapters/http/integration-error.js';
import { readPlexTvError, shareError } from '../../src/adapters/media-server/plex/plex-errors.js';

const refused = (status: number, body: string) => new IntegrationError('plex.tv', 'rejected', `refused (${status})`, false, { status, body });
const TEXT = "You're already sharing this server with bob. Please edit your existing share.";

describe('plex.tv share errors', () => {
  // The bodies public clients quote: v1 `<Response code status>` (python-plexapi users), v2 JSON and its XML twin.
  const bodies = {
    json: JSON.stringify({ errors: [{ code: 1999, message: TEXT, status: 422 }] }),
    v2xml: `<?xml version="1.0" encoding="UTF-8"?>\n<errors><error code="1999" message="You&apos;re already sharing this server with bob. Please edit your existing share." status="422"/></errors>`,
    v1xml: `<?xml version="1.0" encoding="UTF-8"?>\n<Response code="400" status="You&#39;re already sharing this server with bob. Please edit your existing share."/>`,
    v1raw: `<Response code="400" status="${TEXT}"/>`,
  };

  it('reads the message of every shape, entities decoded', () => {
    for (const body of Object.values(bodies)) expect(readPlexTvError(body).message).toBe(TEXT);
    expect(readPlexTvError(bodies.v1xml).code).toBe(400);
  });

  it('"already sharing" is plex_already_shared on 400 and 422, in JSON or XML, before any other 422 cause', () => {
    for (const status of [400, 422]) {
      for (const body of Object.values(bodies)) expect(shareError(refused(status, body)).reason).toBe('plex_already_shared');
    }
  });

  it('other 422s keep their causes', () => {
    const msg = (m: string) => JSON.stringify({ errors: [{ code: 1, message: m, status: 422 }] });
    expect(shareError(refused(422, msg('Server abc is not registered to this account'))).reason).toBe('plex_machine_id_changed');
    expect(shareError(refused(422, msg('Library section 9 does not belong to this server'))).reason).toBe('plex_stale_libraries');
    expect(shareError(refused(400, msg('Something else'))).reason).toBeUndefined();
  });
});
