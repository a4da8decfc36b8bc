import type { AccessService } from '../modules/access/access.service.js';
import type { BulkInviteService } from '../modules/members/bulk-invite.service.js';
import type { ActivityService } from '../modules/enforcement/activity.service.js';
import type { AuthCleanupService } from '../modules/auth/auth-cleanup.service.js';
import type { JobsService } from '../modules/jobs/jobs.service.js';
import type { NotificationService } from '../modules/notifications/notifications.service.js';
import type { OperationsService } from '../modules/operations/operations.service.js';
import type { PlexAccountsService } from '../modules/servers/plex-accounts.service.js';
import type { SettingsService } from '../modules/settings/settings.service.js';
import type { SyncService } from '../modules/sync/sync.service.js';
import type { LibraryStatsService } from '../modules/public/library-stats.service.js';
import type { EmbyDevicesService } from '../modules/enforcement/emby-devices.service.js';
import { idle, type JobHandler } from './job-runner.js';

/**
 * Usher's jobs: name, cron (UTC; 5 fields, or 6 with seconds first), and a handler that only calls a
 * service. Later features add their jobs here.
 */
export interface JobDefinition {
  name: string;
  cron: string;
  description: string;
  handler: JobHandler;
}

export interface UsherJobDeps {
  notifications: NotificationService;
  authCleanup: AuthCleanupService;
  jobs: JobsService;
  sync: SyncService;
  plexAccounts: PlexAccountsService;
  settings: SettingsService;
  operations: OperationsService;
  access: AccessService;
  bulkInvite: BulkInviteService;
  activity: ActivityService;
  libraryStats: LibraryStatsService;
  embyDevices: EmbyDevicesService;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function usherJobs(deps: UsherJobDeps): JobDefinition[] {
  return [
    {
      name: 'email.deliver',
      cron: '* * * * *',
      description: 'Sends the emails waiting in the outbox and retries failed ones with backoff.',
      handler: async () => {
        if (!(await deps.notifications.emailConfigured())) return idle('Email is not configured; nothing was sent.');
        const sent = await deps.notifications.deliverDue();
        return sent === 0 ? idle('No email was due.') : `Sent ${plural(sent, 'email')}.`;
      },
    },
    {
      name: 'operations.apply',
      cron: '* * * * *',
      description: 'Applies due access operations (share, unshare, create, delete) on the servers; retries failed ones with backoff.',
      handler: async () => {
        const { applied, retried, failed } = await deps.operations.applyDue();
        if (applied + retried + failed === 0) return idle('No operation was due.');
        const problems = [
          retried > 0 ? `${plural(retried, 'operation')} will be retried` : '',
          failed > 0 ? `${plural(failed, 'operation')} failed (see Operations)` : '',
        ].filter(Boolean);
        return `Applied ${plural(applied, 'operation')}.${problems.length > 0 ? ` ${problems.join('; ')}.` : ''}`;
      },
    },
    {
      name: 'access.reconcile',
      cron: '37 * * * *',
      description:
        'Reads every server, then makes each member’s libraries and options match their plan and status (only computes while “Sync shared libraries” is off).',
      handler: async () => {
        const pass = await deps.access.reconcileAll({ syncFirst: true });
        if (!pass.syncSharedLibraries) {
          return idle(`Sync shared libraries is off: ${plural(pass.changes.length, 'change')} computed, none made (see Access changes).`);
        }
        return pass.operations.length === 0
          ? 'Every member already has the access their plan gives.'
          : `Queued ${plural(pass.enqueued, 'operation')} (${plural(pass.operations.length, 'change')} found).`;
      },
    },
    {
      // Started at once when the admin sends a file; the ticks take over files left by a stopped instance.
      name: 'members.bulk_invite',
      cron: '* * * * *',
      description: 'Invites the members of bulk-invite CSV files: re-checks each row, applies the good ones and writes the per-row report.',
      handler: (context) => deps.bulkInvite.runPending(context),
    },
    {
      name: 'email.prune',
      cron: '15 3 * * *',
      description: 'Deletes sent and failed emails older than the outbox retention (Settings → Email).',
      handler: async () => `Deleted ${plural(await deps.notifications.pruneOutbox(), 'old email')}.`,
    },
    {
      // A job rather than the session monitor's cycle: devices change only when someone logs in, the
      // reference checks every 5 minutes, and the runner already keeps it to one instance.
      name: 'emby.devices',
      cron: '*/5 * * * *',
      description: 'Applies the plans’ Emby device caps: oldest devices over the cap deleted, “Allow all devices” off at the cap, on below it.',
      handler: async () => {
        const { servers, deleted, restricted, opened } = await deps.embyDevices.enforceAll();
        if (servers === 0) return idle('No enabled Emby server.');
        return `Checked ${plural(servers, 'Emby server')}: ${plural(deleted, 'device')} deleted, ${restricted} members at their cap, ${opened} below it.`;
      },
    },
    {
      name: 'activity.prune',
      cron: '20 3 * * *',
      description: 'Deletes stream history older than the retention (Settings → Enforcement).',
      handler: async () => `Deleted ${plural(await deps.activity.prune(), 'old stream')}.`,
    },
    {
      name: 'auth.cleanup',
      cron: '30 3 * * *',
      description: 'Deletes expired sessions and login attempts older than 30 days.',
      handler: async () => {
        const { sessions, attempts } = await deps.authCleanup.run();
        return `Deleted ${plural(sessions, 'expired session')} and ${plural(attempts, 'old login attempt')}.`;
      },
    },
    {
      name: 'servers.sync',
      cron: '7 * * * *',
      description:
        'Reads every server: name, version, libraries, members and shares; imports new members after the first confirmed import.',
      handler: async (context) => {
        if (context.trigger === 'schedule' && !(await deps.settings.get('mediaServer')).syncFromRemote) {
          return idle('Sync from remote servers is turned off in Settings → Media server integration.');
        }
        const results = await deps.sync.syncAll((fraction, message) => context.reportProgress(fraction, message));
        const failed = results.filter((r) => !r.ok);
        const imported = results.reduce((n, r) => n + r.accounts.imported, 0);
        const held = results.filter((r) => r.held).map((r) => r.serverName);
        const summary =
          `Synced ${plural(results.length - failed.length, 'server')}; imported ${plural(imported, 'member')}.` +
          (held.length > 0 ? ` Held back mass removals on ${held.join(', ')} (see Alerts).` : '');
        if (failed.length > 0) throw new Error(`${summary} Failed: ${failed.map((f) => `${f.serverName} (${f.error})`).join('; ')}`);
        return summary;
      },
    },
    {
      name: 'plex.token_check',
      cron: '17 4 * * *',
      description: 'Checks every Plex account token with plex.tv and alerts at once when one is rejected.',
      handler: async () => {
        const { checked, invalid } = await deps.plexAccounts.checkTokens();
        return `Checked ${plural(checked, 'Plex account')}; ${plural(invalid, 'token')} rejected.`;
      },
    },
    {
      name: 'libraries.stats',
      cron: '23 5 * * *',
      description: 'Counts the movies, shows, episodes, music and books of every enabled server for the home page’s library statistics.',
      handler: async () => {
        const { servers, libraries, failed } = await deps.libraryStats.refresh();
        const summary = `Counted ${libraries} ${libraries === 1 ? 'library' : 'libraries'} on ${plural(servers, 'server')}.`;
        if (failed.length > 0) throw new Error(`${summary} Failed: ${failed.map((f) => `${f.serverName} (${f.error})`).join('; ')}`);
        return summary;
      },
    },
    {
      name: 'jobs.prune',
      cron: '45 3 * * *',
      description: 'Keeps 30 days of job history and closes runs left behind by an instance that stopped.',
      handler: async () => {
        const { abandoned, runs, locks } = await deps.jobs.prune();
        return `Deleted ${plural(runs, 'old run')} and ${plural(locks, 'tick claim')}; closed ${plural(abandoned, 'abandoned run')}.`;
      },
    },
  ];
}

export function registerUsherJobs(deps: UsherJobDeps): void {
  for (const job of usherJobs(deps)) deps.jobs.register(job.name, job.cron, job.description, job.handler);
}
