import { expect } from 'vitest';
import type { PlexFakes, PlexMediaServerFake } from '../../../../fakes/src/index.js';
import { IntegrationError } from '../../../src/adapters/http/integration-error.js';
import { PlexServerAdapter, type PlexServerAdapterOptions } from '../../../src/adapters/media-server/plex/plex-server-adapter.js';
import { PlexTvClient } from '../../../src/adapters/media-server/plex/plex-tv-client.js';

/** Builds Plex clients pointed at the fakes and closes whatever a test opened. */
export class PlexHarness {
  private readonly opened: { close(): Promise<void> }[] = [];

  constructor(readonly fakes: PlexFakes) {}

  plexTv(token: string | null = this.fakes.owner.token): PlexTvClient {
    const c = new PlexTvClient({
      token,
      clientIdentifier: 'usher-test-install',
      plexTvUrl: this.fakes.plexTvUrl,
      clientsUrl: this.fakes.plexTvUrl,
      appUrl: this.fakes.plexTvUrl,
      timeoutMs: 3_000,
      accountListTtlMs: 0,
    });
    this.opened.push(c);
    return c;
  }

  adapter(pms: PlexMediaServerFake, overrides: Partial<PlexServerAdapterOptions> = {}): PlexServerAdapter {
    const a = new PlexServerAdapter({
      url: pms.url,
      machineId: pms.machineId,
      token: pms.accessToken,
      plexTv: overrides.plexTv ?? this.plexTv(),
      clientIdentifier: 'usher-test-install',
      timeoutMs: 3_000,
      events: { minReconnectMs: 50, maxReconnectMs: 200 },
      ...overrides,
    });
    this.opened.push(a);
    return a;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.opened.splice(0).map((c) => c.close()));
  }
}

export async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}

export async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
