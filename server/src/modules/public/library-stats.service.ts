import type { Logger } from 'pino';
import { summariseLibraryStats, type GroupStats } from '../../domain/library-stats.js';
import type { Clock } from '../../platform/clock.js';
import type { LibrariesRepository } from '../libraries/libraries.repository.js';
import type { ServerConnector } from '../servers/server-connector.js';
import type { ServersRepository } from '../servers/servers.repository.js';
import type { LibraryCountInput, LibraryStatsRepository } from './library-stats.repository.js';

export interface StatsRefresh {
  servers: number;
  libraries: number;
  failed: { serverName: string; error: string }[];
}

/**
 * Counts what every enabled server holds, for the home page. The public pages only read what was
 * stored here: a visitor never waits for (or can trigger) a remote call.
 */
export class LibraryStatsService {
  constructor(
    private readonly repo: LibraryStatsRepository,
    private readonly servers: ServersRepository,
    private readonly libraries: LibrariesRepository,
    private readonly connector: ServerConnector,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async refresh(): Promise<StatsRefresh> {
    const result: StatsRefresh = { servers: 0, libraries: 0, failed: [] };
    for (const server of (await this.servers.list()).filter((s) => s.enabled)) {
      const adapter = await this.connector.adapterFor(server).catch((error: unknown) => error as Error);
      if (adapter instanceof Error) {
        result.failed.push({ serverName: server.name, error: adapter.message });
        continue;
      }
      try {
        const counts = await adapter.libraryStats();
        const known = new Map((await this.libraries.storedForServer(server.id)).map((l) => [l.remoteId, l.id]));
        const rows: LibraryCountInput[] = counts.flatMap((c) => {
          const libraryId = known.get(c.remoteId);
          // A library the last sync has not stored yet is counted on the next run.
          return libraryId ? [{ libraryId, items: c.items, episodes: c.episodes ?? null, albums: c.albums ?? null, tracks: c.tracks ?? null }] : [];
        });
        await this.repo.save(rows, this.clock.now().toISOString());
        result.servers++;
        result.libraries += rows.length;
      } catch (error) {
        this.log.warn({ err: error, serverId: server.id }, 'library statistics: counting failed');
        result.failed.push({ serverName: server.name, error: error instanceof Error ? error.message : String(error) });
      } finally {
        await adapter.close();
      }
    }
    return result;
  }

  async byGroup(): Promise<{ groups: GroupStats[]; countedAt: string | null }> {
    const [rows, countedAt] = await Promise.all([this.repo.countsByGroup(), this.repo.lastCountedAt()]);
    return { groups: summariseLibraryStats(rows), countedAt };
  }
}
