import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../config/env.js';
import type { Container } from '../container.js';
import { systemActor } from '../modules/audit/audit.service.js';
import { demoRecurringIds, seedDemoGateways, type DemoGatewayFakes } from './gateways.js';

/** What `fakes/src/demo-fakes.ts` prints: the servers and gateways the demo connects to. */
export interface DemoFakes extends DemoGatewayFakes {
  plexTvUrl: string;
  plexOwnerToken: string;
  plexServers: { name: string; machineId: string; url: string }[];
  jellyfin: { url: string; apiKey: string };
  emby: { url: string; apiKey: string };
  templateUser: string;
}

/**
 * Starts the fake plex.tv, Plex, Jellyfin and Emby servers in a child process. The fakes are
 * TypeScript run through tsx, a development dependency: an install without it gets a demo
 * without servers, and is told so.
 */
export async function startDemoFakes(): Promise<{ fakes: DemoFakes; child: ChildProcess } | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'fakes', 'src', 'demo-fakes.ts')], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the fake servers exited (code ${code})`)));
      child.once('error', reject);
    });
    return { fakes: JSON.parse(line) as DemoFakes, child };
  } catch (error) {
    process.stderr.write(`The demo's fake media servers did not start (${(error as Error).message}); continuing without them.\n`);
    child.kill();
    return null;
  }
}

/** Connects the fake servers, syncs them and imports their members, so every panel has content. */
export async function seedDemoMedia(container: Container, fakes: DemoFakes): Promise<void> {
  const actor = systemActor;
  await container.settings.update('mediaServer', { values: { defaultTemplateUser: fakes.templateUser } }, actor);
  const location = await container.servers.addLocation('Europe', actor);
  const account = await container.plexAccounts.add({ token: fakes.plexOwnerToken }, actor);
  for (const server of fakes.plexServers) {
    await container.servers.add({ kind: 'plex', plexAccountId: account.id, machineId: server.machineId, url: server.url, enabled: true, locationId: location.id, maxUsers: 40 }, actor);
  }
  await container.servers.add({ kind: 'jellyfin', url: fakes.jellyfin.url, apiKey: fakes.jellyfin.apiKey, enabled: true, locationId: location.id, maxUsers: 30 }, actor);
  await container.servers.add({ kind: 'emby', url: fakes.emby.url, apiKey: fakes.emby.apiKey, enabled: true, maxUsers: 20 }, actor);
  await container.sync.syncAll();
  const waiting = (await container.members.importPreview()).map((p) => p.serverId);
  // One server is left waiting so the import preview has something to show.
  await container.members.confirmImport({ serverIds: waiting.slice(0, -1), mode: 'permanent' }, actor);
  await seedDemoGateways(container, fakes);
  await seedDemoPlans(container, fakes);
}

const DAY_MS = 86_400_000;

/**
 * Plans and payments, so the members list shows every state: active, expiring in two days,
 * expired, and permanent (the rest of the import). Syncing libraries to the servers stays off,
 * as on a fresh install: the Access changes page shows what turning it on would do.
 */
async function seedDemoPlans(container: Container, fakes: DemoFakes): Promise<void> {
  const actor = systemActor;
  const base = {
    description: '',
    maxStreams: 2,
    streamLimitPolicy: 'newest' as const,
    allowDownloads: false,
    weeklyDownloadQuota: null,
    allowTranscoding: true,
    maxEmbyDevices: null,
    maxSubAccounts: 1,
    masterOnly: false,
    isDefault: false,
    isTrial: false,
    trialDays: null,
    active: true,
    stripePriceId: null,
    paypalPlanId: null,
    libraryGroupIds: ['group-standard'],
    serverIds: [],
  };
  // Monthly is also sold as a subscription (the fakes' Monthly price and plan); Quarterly is one-off only.
  const monthly = await container.plans.create(
    { ...base, ...demoRecurringIds(fakes, 'Monthly'), name: 'Monthly', description: 'Every Standard library, two streams.', costMinor: 999, duration: { unit: 'months', count: 1 } },
    actor,
  );
  await container.plans.create({ ...base, name: 'Quarterly', description: 'Three months for the price of two and a half.', costMinor: 2499, duration: { unit: 'months', count: 3 }, maxStreams: 3 }, actor);

  const now = container.clock.now().getTime();
  const at = (days: number) => new Date(now + days * DAY_MS).toISOString();
  const { items } = await container.members.search({ sort: 'username', order: 'asc', offset: 0, limit: 3 });
  const periods: [number, number][] = [
    [-5, 25], // active
    [-28, 2], // expiring in two days
    [-33, -3], // expired three days ago
  ];
  for (const [i, member] of items.entries()) {
    const [from, to] = periods[i]!;
    await container.members.setPermanent(member.id, false, actor);
    await container.payments.add(member.id, { planId: monthly.id, from: at(from), to: at(to), amountMinor: 999, notes: 'Demo payment' }, actor);
  }
}
