import { describe, expect, it } from 'vitest';
import { capacity, dateInputValue, expiryFromDate, plexPassText, serverStatus, shareState } from '../src/features/admin/media/format';
import { libraryNames, sharedLibraryTitles, type Library } from '../src/features/admin/media/queries';
import { changedOptions, DEFAULT_OPTIONS } from '../src/features/admin/servers/ServerOptionsFields';

describe('capacity', () => {
  it('says unlimited when maxUsers is 0, and draws no bar', () => {
    expect(capacity(12, 0)).toMatchObject({ unlimited: true, label: '12 · unlimited', percent: 0, full: false });
  });

  it('fills the bar and turns orange near the limit, red when full', () => {
    expect(capacity(5, 10)).toMatchObject({ percent: 50, color: 'teal', label: '5 / 10', full: false });
    expect(capacity(9, 10)).toMatchObject({ percent: 90, color: 'orange' });
    expect(capacity(10, 10)).toMatchObject({ percent: 100, color: 'red', full: true });
    expect(capacity(12, 10)).toMatchObject({ percent: 100, full: true, label: '12 / 10' });
  });
});

describe('status labels', () => {
  it('flags problems but not a server that was never synced', () => {
    expect(serverStatus('ok')).toMatchObject({ label: 'OK', problem: false });
    expect(serverStatus('unknown')).toMatchObject({ label: 'Not synced', problem: false });
    expect(serverStatus('machine_id_changed')).toMatchObject({ label: 'Identity changed', problem: true });
    expect(serverStatus('something_new')).toMatchObject({ label: 'something new', color: 'red', problem: true });
  });

  it('names share states as an admin reads them', () => {
    expect(shareState('active').label).toBe('Accepted');
    expect(shareState('pending').label).toBe('Invite pending');
  });

  it('tells a detected Plex Pass from one set by hand', () => {
    expect(plexPassText({ hasPlexPass: true, detectedPlexPass: true, plexPassOverride: null })).toEqual({ value: 'Yes', source: 'detected' });
    expect(plexPassText({ hasPlexPass: false, detectedPlexPass: true, plexPassOverride: false })).toEqual({ value: 'No', source: 'set by hand; plex.tv says yes' });
  });
});

describe('import expiry date', () => {
  const now = new Date(2026, 4, 10, 15, 30);

  it('turns a date input value into the end of that local day', () => {
    const iso = expiryFromDate('2026-06-01', now)!;
    const end = new Date(iso);
    expect([end.getFullYear(), end.getMonth(), end.getDate(), end.getHours(), end.getMinutes()]).toEqual([2026, 5, 1, 23, 59]);
  });

  it('accepts today (access through the end of it) but refuses past, malformed and impossible dates', () => {
    expect(expiryFromDate('2026-05-10', now)).not.toBeNull();
    expect(expiryFromDate('2026-05-09', now)).toBeNull();
    expect(expiryFromDate('', now)).toBeNull();
    expect(expiryFromDate('2026-02-30', now)).toBeNull();
    expect(expiryFromDate('10/06/2026', now)).toBeNull();
  });

  it('offers a default some days ahead, across month ends', () => {
    expect(dateInputValue(30, now)).toBe('2026-06-09');
    expect(dateInputValue(1, new Date(2026, 11, 31))).toBe('2027-01-01');
  });
});

describe('server options', () => {
  it('sends only the fields the admin changed', () => {
    expect(changedOptions(DEFAULT_OPTIONS, { ...DEFAULT_OPTIONS, enabled: true, maxUsers: 20 })).toEqual({ enabled: true, maxUsers: 20 });
    expect(changedOptions(DEFAULT_OPTIONS, { ...DEFAULT_OPTIONS })).toEqual({});
  });
});

describe('shared library titles', () => {
  const lib = (serverId: string, remoteId: string, title: string): Library => ({
    id: `${serverId}-${remoteId}`,
    serverId,
    serverName: serverId,
    remoteId,
    title,
    type: 'movie',
    groupId: 'g',
    groupName: 'Private',
    itemCount: null,
    removedAt: null,
  });
  const names = libraryNames([lib('s1', '1', 'Movies'), lib('s1', '2', 'Shows'), lib('s2', '1', 'Music')]);

  it('names the remote ids of a share on its own server', () => {
    expect(sharedLibraryTitles({ serverId: 's1', libraries: ['2', '1'] }, names)).toEqual(['Shows', 'Movies']);
    expect(sharedLibraryTitles({ serverId: 's2', libraries: ['1'] }, names)).toEqual(['Music']);
  });

  it('keeps "all" and shows an unknown id rather than dropping it', () => {
    expect(sharedLibraryTitles({ serverId: 's1', libraries: 'all' }, names)).toBe('all');
    expect(sharedLibraryTitles({ serverId: 's1', libraries: ['9'] }, names)).toEqual(['Library 9']);
  });
});
