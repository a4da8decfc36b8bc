import type { MediaServerAdapter } from '../../ports/media-server.js';
import type { ServerRecord } from './servers.repository.js';

/** Turns a stored server into a live adapter (decrypting its credentials). Tests may swap it. */
export interface ServerConnector {
  adapterFor(server: ServerRecord): Promise<MediaServerAdapter>;
  /**
   * Starts a pass: account-wide lists (plex.tv shares and invites) are read again, then shared by the
   * servers of that account for the rest of the pass.
   */
  freshReads(): void;
}
