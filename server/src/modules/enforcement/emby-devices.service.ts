import type { Logger } from 'pino';
import { decideDevices } from '../../domain/emby-devices.js';
import { notFound } from '../../http/errors.js';
import type { MediaServerAdapter, RemoteDevice } from '../../ports/media-server.js';
import { systemActor, type Actor, type AuditService } from '../audit/audit.service.js';
import type { ServerConnector } from '../servers/server-connector.js';
import type { ServerRecord, ServersRepository } from '../servers/servers.repository.js';
import type { EnforcementRepository } from './enforcement.repository.js';
import type { EnforcementService } from './enforcement.service.js';

export interface MemberDevices {
  serverId: string;
  serverName: string;
  devices: { id: string; name: string; app: string | null; lastActiveAt: string | null }[];
  /** The member's plan cap on this server's devices; null: no limit. */
  cap: number | null;
  /** The server could not be read; the list is empty. */
  error: string | null;
}

export interface DeviceRunSummary {
  servers: number;
  deleted: number;
  restricted: number;
  opened: number;
}

/** Emby ids come with and without dashes, in either case. */
const sameId = (a: string, b: string) => a.replace(/-/g, '').toLowerCase() === b.replace(/-/g, '').toLowerCase();

/**
 * Applies the plans' Emby device caps (reference §2.15, domain/emby-devices.ts) through the port,
 * and shows and deletes a member's devices for the admin.
 */
export class EmbyDevicesService {
  constructor(
    private readonly repo: EnforcementRepository,
    private readonly enforcement: EnforcementService,
    private readonly servers: ServersRepository,
    private readonly connector: ServerConnector,
    private readonly audit: AuditService,
    private readonly log: Logger,
  ) {}

  /** One pass over every enabled Emby server; a server that fails is logged and the others still run. */
  async enforceAll(): Promise<DeviceRunSummary> {
    const summary: DeviceRunSummary = { servers: 0, deleted: 0, restricted: 0, opened: 0 };
    for (const server of (await this.servers.list()).filter((s) => s.enabled && s.kind === 'emby')) {
      try {
        const one = await this.withAdapter(server, (adapter) => this.enforceServer(server, adapter));
        summary.servers++;
        summary.deleted += one.deleted;
        summary.restricted += one.restricted;
        summary.opened += one.opened;
      } catch (error) {
        this.log.warn({ err: error, serverId: server.id }, 'emby devices: the server could not be read');
      }
    }
    return summary;
  }

  private async enforceServer(server: ServerRecord, adapter: MediaServerAdapter) {
    const result = { deleted: 0, restricted: 0, opened: 0 };
    if (!adapter.capabilities.devices || !adapter.listDevices || !adapter.setAllowAllDevices || !adapter.deleteDevice) return result;
    const accounts = await this.repo.managedAccountStates(server.id);
    if (accounts.size === 0) return result;
    const plans = await this.enforcement.currentPlans([...new Set([...accounts.values()].map((a) => a.memberId))]);
    let devices: readonly RemoteDevice[] | undefined;
    for (const [remoteId, { memberId, devicesRestricted }] of accounts) {
      const cap = plans.get(memberId)?.maxEmbyDevices ?? null;
      if (cap === null) {
        // No cap now: an account Usher restricted earlier is opened again; any other is left as the
        // admin set it on the server (and costs nothing).
        if (devicesRestricted) {
          await adapter.setAllowAllDevices({ remoteId }, true);
          await this.repo.markDevicesRestricted(server.id, remoteId, false);
          result.opened++;
        }
        continue;
      }
      devices ??= await adapter.listDevices();
      const own = devices.filter((d) => d.lastUserId !== null && sameId(d.lastUserId, remoteId));
      const decision = decideDevices(cap, own.map((d) => ({ id: d.id, lastActiveAt: d.lastActiveAt })));
      for (const id of decision.deleteIds) await adapter.deleteDevice(id);
      // The adapter writes the policy only when it differs, so a compliant member costs one read.
      await adapter.setAllowAllDevices({ remoteId }, decision.allowAll, decision.allowedIds);
      if (devicesRestricted === decision.allowAll) await this.repo.markDevicesRestricted(server.id, remoteId, !decision.allowAll);
      if (decision.deleteIds.length > 0) {
        result.deleted += decision.deleteIds.length;
        await this.audit.record(systemActor, 'member.devices.trimmed', { type: 'member', id: memberId }, {
          serverId: server.id,
          cap,
          deleted: own.filter((d) => decision.deleteIds.includes(d.id)).map((d) => d.name),
        });
      }
      if (decision.allowAll) result.opened++;
      else result.restricted++;
    }
    return result;
  }

  /** The member's devices on each enabled Emby server they have an account on. */
  async forMember(memberId: string): Promise<MemberDevices[]> {
    const out: MemberDevices[] = [];
    const servers = (await this.servers.list()).filter((s) => s.enabled && s.kind === 'emby');
    const plan = (await this.enforcement.currentPlans([memberId])).get(memberId) ?? null;
    for (const server of servers) {
      const accounts = await this.repo.managedAccounts(server.id, memberId);
      if (accounts.size === 0) continue;
      const base = { serverId: server.id, serverName: server.name, cap: plan?.maxEmbyDevices ?? null };
      try {
        const devices = await this.withAdapter(server, async (adapter) => (adapter.listDevices ? adapter.listDevices() : []));
        out.push({ ...base, devices: ownedBy(devices, [...accounts.keys()]), error: null });
      } catch (error) {
        out.push({ ...base, devices: [], error: error instanceof Error ? error.message : String(error) });
      }
    }
    return out;
  }

  /** Signs the device out of Emby; the member logs in again on it (if the cap allows). */
  async deleteForMember(memberId: string, serverId: string, deviceId: string, actor: Actor): Promise<void> {
    const server = await this.servers.find(serverId);
    if (!server || server.kind !== 'emby') throw notFound('unknown_server', 'No Emby server has that id.');
    const accounts = await this.repo.managedAccounts(serverId, memberId);
    await this.withAdapter(server, async (adapter) => {
      const devices = adapter.listDevices ? ownedBy(await adapter.listDevices(), [...accounts.keys()]) : [];
      const device = devices.find((d) => d.id === deviceId);
      if (!device || !adapter.deleteDevice) throw notFound('unknown_device', 'This member has no device with that id on that server.');
      await adapter.deleteDevice(deviceId);
      await this.audit.record(actor, 'member.device.delete', { type: 'member', id: memberId }, { serverId, device: device.name });
    });
  }

  private async withAdapter<T>(server: ServerRecord, fn: (adapter: MediaServerAdapter) => Promise<T>): Promise<T> {
    const adapter = await this.connector.adapterFor(server);
    try {
      return await fn(adapter);
    } finally {
      await adapter.close().catch(() => undefined);
    }
  }
}

function ownedBy(devices: readonly RemoteDevice[], remoteIds: readonly string[]) {
  return devices
    .filter((d) => d.lastUserId !== null && remoteIds.some((id) => sameId(id, d.lastUserId!)))
    .map((d) => ({ id: d.id, name: d.name, app: d.app, lastActiveAt: d.lastActiveAt }))
    .sort((a, b) => (b.lastActiveAt ?? '').localeCompare(a.lastActiveAt ?? ''));
}
