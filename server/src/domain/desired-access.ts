/**
 * What one member must have on one server, from their access phase and plan: the bridge between
 * `accessPhase` and `reconcile`. Permanent members are exempt from every limit (reference §1.2.3),
 * so they get no stream cap, transcoding and, where the server can, downloads.
 */
import type { AccessPhase } from './access-phase.js';
import type { DesiredAccess } from './reconcile.js';

export interface AccessPlan {
  libraryGroupIds: readonly string[];
  allowDownloads: boolean;
  /** Video transcoding; audio stays allowed whatever the plan says (reference §6.3). */
  allowTranscoding: boolean;
  /** Maximum concurrent streams; 0 = unlimited. */
  maxStreams: number;
}

export interface ServerLibrary {
  remoteId: string;
  groupId: string;
  removed?: boolean;
}

export interface DesiredAccessInput {
  phase: AccessPhase;
  permanent: boolean;
  /** The plan of the covering (or, in grace, the last) payment; for a permanent member, the plan to share by. */
  plan: AccessPlan | null;
  /** This server's libraries. */
  libraries: readonly ServerLibrary[];
  /** Plex Pass / Emby Premiere (always true for Jellyfin): without it downloads cannot be granted. */
  serverSupportsDownloads: boolean;
}

/** Options for the grace libraries when the last plan is unknown: watch, but no downloads. */
const GRACE_FALLBACK: Omit<AccessPlan, 'libraryGroupIds'> = { allowDownloads: false, allowTranscoding: true, maxStreams: 0 };

function librariesIn(libraries: readonly ServerLibrary[], groupIds: readonly string[]): string[] {
  const groups = new Set(groupIds);
  return libraries.filter((l) => !l.removed && groups.has(l.groupId)).map((l) => l.remoteId);
}

/**
 * null: nothing to decide from (a permanent or active member with no plan, such as a permanent
 * member imported before plans existed), so the caller lists no desired entry and the account is
 * left exactly as it is, rather than stripped of libraries nobody chose to take away.
 */
export function desiredAccess(input: DesiredAccessInput): DesiredAccess | null {
  const { phase, plan, permanent } = input;
  switch (phase.phase) {
    case 'active': {
      if (!plan) return null;
      return {
        kind: 'access',
        grant: {
          libraries: librariesIn(input.libraries, plan.libraryGroupIds),
          allowDownloads: input.serverSupportsDownloads && (plan.allowDownloads || permanent),
          allowTranscoding: permanent || plan.allowTranscoding,
          sessionCap: permanent ? 0 : Math.max(0, plan.maxStreams),
        },
      };
    }
    case 'grace': {
      const options = plan ?? GRACE_FALLBACK;
      return {
        kind: 'access',
        grant: {
          libraries: librariesIn(input.libraries, phase.libraryGroupIds),
          allowDownloads: input.serverSupportsDownloads && options.allowDownloads,
          allowTranscoding: options.allowTranscoding,
          sessionCap: Math.max(0, options.maxStreams),
        },
      };
    }
    case 'expired':
      return { kind: 'no_access' };
    case 'delete':
      return { kind: 'delete' };
  }
}
