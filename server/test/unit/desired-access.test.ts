import { describe, expect, it } from 'vitest';
import type { AccessPhase } from '../../src/domain/access-phase.js';
import { desiredAccess, type AccessPlan, type DesiredAccessInput, type ServerLibrary } from '../../src/domain/desired-access.js';

const t = (iso: string): Date => new Date(iso);
const libraries: ServerLibrary[] = [
  { remoteId: 'movies', groupId: 'standard' },
  { remoteId: 'shows', groupId: 'standard' },
  { remoteId: 'old', groupId: 'standard', removed: true },
  { remoteId: 'uhd', groupId: '4k' },
  { remoteId: 'kids', groupId: 'grace' },
];
const plan: AccessPlan = { libraryGroupIds: ['standard'], allowDownloads: true, allowTranscoding: false, maxStreams: 2 };
const active: AccessPhase = { phase: 'active', until: t('2026-02-01T00:00:00Z'), expiresAt: t('2026-02-01T00:00:00Z') };
const input = (over: Partial<DesiredAccessInput> = {}): DesiredAccessInput => ({
  phase: active,
  permanent: false,
  plan,
  libraries,
  serverSupportsDownloads: true,
  ...over,
});

describe('desiredAccess', () => {
  it("shares the plan's groups (not removed libraries) with the plan's options", () => {
    expect(desiredAccess(input())).toEqual({
      kind: 'access',
      grant: { libraries: ['movies', 'shows'], allowDownloads: true, allowTranscoding: false, sessionCap: 2 },
    });
  });

  it('grants no downloads where the server cannot (no Plex Pass / Emby Premiere)', () => {
    expect(desiredAccess(input({ serverSupportsDownloads: false }))).toMatchObject({ grant: { allowDownloads: false } });
  });

  it('exempts permanent members from every limit', () => {
    const permanent = input({
      permanent: true,
      phase: { phase: 'active', until: null, expiresAt: null },
      plan: { ...plan, allowDownloads: false },
    });
    expect(desiredAccess(permanent)).toEqual({
      kind: 'access',
      grant: { libraries: ['movies', 'shows'], allowDownloads: true, allowTranscoding: true, sessionCap: 0 },
    });
  });

  it('leaves an active member without a plan as they are', () => {
    expect(desiredAccess(input({ permanent: true, plan: null }))).toBeNull();
  });

  it('shares only the grace groups during the grace', () => {
    const grace: AccessPhase = {
      phase: 'grace',
      expiredAt: t('2026-02-01T00:00:00Z'),
      until: t('2026-02-08T00:00:00Z'),
      libraryGroupIds: ['grace'],
      deleteAt: null,
    };
    expect(desiredAccess(input({ phase: grace }))).toEqual({
      kind: 'access',
      grant: { libraries: ['kids'], allowDownloads: true, allowTranscoding: false, sessionCap: 2 },
    });
    expect(desiredAccess(input({ phase: grace, plan: null }))).toEqual({
      kind: 'access',
      grant: { libraries: ['kids'], allowDownloads: false, allowTranscoding: true, sessionCap: 0 },
    });
  });

  it('takes access away when expired and deletes when due', () => {
    expect(desiredAccess(input({ phase: { phase: 'expired', expiredAt: t('2026-02-01T00:00:00Z'), deleteAt: null } }))).toEqual({
      kind: 'no_access',
    });
    expect(
      desiredAccess(input({ phase: { phase: 'delete', expiredAt: t('2026-02-01T00:00:00Z'), deleteAt: t('2026-02-01T00:00:00Z') } })),
    ).toEqual({
      kind: 'delete',
    });
  });
});
