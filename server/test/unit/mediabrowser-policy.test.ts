import { describe, expect, it } from 'vitest';
import { applyGrant, deNullPolicy, provisioningPolicy, samePolicy } from '../../src/adapters/media-server/mediabrowser/policy.js';
import {
  countPlan,
  libraryType,
  sessionsSignature,
  toRemoteAccount,
  toRemoteSessions,
} from '../../src/adapters/media-server/mediabrowser/sessions.js';
import type { WireSession } from '../../src/adapters/media-server/mediabrowser/wire.js';

const grant = { libraries: ['b', 'a'], allowDownloads: true, allowTranscoding: false, sessionCap: 2 };

describe('MediaBrowser policy arithmetic', () => {
  it('replaces null and missing lists and fills the required provider ids', () => {
    const policy = deNullPolicy({ BlockedTags: null as unknown as string[], IsHidden: true }, 'jellyfin');
    expect(policy).toMatchObject({ BlockedTags: [], EnabledFolders: [], IsHidden: true });
    expect(policy.AuthenticationProviderId).toMatch(/DefaultAuthenticationProvider$/);
    expect(policy.PasswordResetProviderId).toMatch(/DefaultPasswordResetProvider$/);
    expect(deNullPolicy({}, 'emby').PasswordResetProviderId).toBeUndefined();
  });

  it('never provisions an administrator or a disabled account, and keeps the template provider ids', () => {
    const template = {
      IsAdministrator: true,
      IsDisabled: true,
      IsHidden: true,
      AuthenticationProviderId: 'Custom.Ldap',
      EnableAllFolders: true,
    };
    const policy = provisioningPolicy(template, { AuthenticationProviderId: 'Default' }, grant, 'emby');
    expect(policy).toMatchObject({
      IsAdministrator: false,
      IsDisabled: false,
      IsHidden: true,
      AuthenticationProviderId: 'Custom.Ldap',
      EnableAllFolders: false,
      EnabledFolders: ['b', 'a'],
      SimultaneousStreamLimit: 2,
    });
    const fromCreated = provisioningPolicy({ IsHidden: false }, { AuthenticationProviderId: 'Server.Default' }, grant, 'emby');
    expect(fromCreated.AuthenticationProviderId).toBe('Server.Default');
  });

  it('maps the grant onto the flavour fields and compares up to list order', () => {
    const jellyfin = applyGrant({ EnabledFolders: ['a', 'b'], EnableAllFolders: false }, grant, 'jellyfin');
    expect(jellyfin).toMatchObject({
      MaxActiveSessions: 2,
      EnableContentDownloading: true,
      EnableVideoPlaybackTranscoding: false,
      EnableAudioPlaybackTranscoding: true,
    });
    expect(samePolicy({ EnabledFolders: ['a', 'b'], X: 1 }, { X: 1, EnabledFolders: ['b', 'a'] })).toBe(true);
    expect(samePolicy({ EnabledFolders: ['a'] }, { EnabledFolders: ['a', 'b'] })).toBe(false);
  });
});

describe('MediaBrowser session and account mapping', () => {
  const session = (over: Partial<WireSession>): WireSession => ({
    Id: 's1',
    UserId: 'u1',
    NowPlayingItem: { Id: 'i1', Name: 'Film', Type: 'Movie', MediaStreams: [{ Type: 'Video', Width: 1920, Height: 1080 }] },
    PlayState: { PlayMethod: 'DirectPlay', IsPaused: false },
    ...over,
  });

  it('counts only re-encoded video as a transcode and 4K by width or height', () => {
    const [direct, remux, audio, video, tall] = toRemoteSessions([
      session({}),
      session({ PlayState: { PlayMethod: 'DirectStream' } }),
      session({ PlayState: { PlayMethod: 'Transcode' }, TranscodingInfo: { IsVideoDirect: true } }),
      session({ PlayState: { PlayMethod: 'Transcode' }, TranscodingInfo: { IsVideoDirect: false } }),
      session({ NowPlayingItem: { Id: 'i2', MediaStreams: [{ Type: 'Video', Width: 3600, Height: 2160 }] } }),
    ]);
    expect([direct, remux, audio, video].map((s) => s!.videoTranscode)).toEqual([false, false, false, true]);
    expect([direct!.source4k, tall!.source4k]).toEqual([false, true]);
    expect(toRemoteSessions([session({ NowPlayingItem: undefined })])).toEqual([]);
  });

  it('ignores position changes but not pauses in the session signature', () => {
    const a = sessionsSignature([session({})]);
    expect(sessionsSignature([session({ PlayState: { PlayMethod: 'DirectPlay', IsPaused: false } })])).toBe(a);
    expect(sessionsSignature([session({ PlayState: { PlayMethod: 'DirectPlay', IsPaused: true } })])).not.toBe(a);
    expect(sessionsSignature([session({ NowPlayingItem: undefined })])).toBe('');
  });

  it('flags the template user whatever the GUID form', () => {
    const account = toRemoteAccount(
      { Id: 'f27caa37e5142225cceded48f6553502', Name: 't', Policy: { EnableAllFolders: true } },
      'F27CAA37-E514-2225-CCED-ED48F6553502',
      'jellyfin',
    );
    expect(account).toMatchObject({ isTemplate: true, role: 'member', libraries: 'all' });
    expect(toRemoteAccount({ Id: 'x', Name: 'y' }, null, 'emby').isTemplate).toBeUndefined();
  });

  it('reads the stream cap from each flavour’s own field, and video transcoding (on unless set false)', () => {
    const policy = { MaxActiveSessions: 3, SimultaneousStreamLimit: 5, EnableVideoPlaybackTranscoding: false };
    expect(toRemoteAccount({ Id: 'a', Name: 'a', Policy: policy }, null, 'jellyfin')).toMatchObject({
      sessionCap: 3,
      allowTranscoding: false,
    });
    expect(toRemoteAccount({ Id: 'a', Name: 'a', Policy: policy }, null, 'emby')).toMatchObject({ sessionCap: 5, allowTranscoding: false });
    expect(toRemoteAccount({ Id: 'a', Name: 'a', Policy: {} }, null, 'emby')).toMatchObject({ sessionCap: 0, allowTranscoding: true });
  });

  it('maps collection types and what to count', () => {
    expect(['movies', 'tvshows', 'music', 'homevideos', 'books', undefined, 'boxsets'].map((t) => libraryType(t))).toEqual([
      'movie',
      'show',
      'music',
      'photo',
      'book',
      'mixed',
      'other',
    ]);
    expect(countPlan('show')).toEqual({ items: ['Series'], episodes: ['Episode'] });
  });
});
