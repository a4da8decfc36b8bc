import { describe, expect, it } from 'vitest';
import { decideDevices, type DeviceUse } from '../../src/domain/emby-devices.js';

const d = (id: string, lastActiveAt: string | null): DeviceUse => ({ id, lastActiveAt });
const tv = d('tv', '2026-12-01T10:00:00.000Z');
const phone = d('phone', '2026-12-03T10:00:00.000Z');
const web = d('web', '2026-12-05T10:00:00.000Z');
const ghost = d('ghost', null);

describe('Emby device cap (reference §2.15)', () => {
  it.each([
    ['no limit, many devices', null, [tv, phone, web], { allowAll: true, allowedIds: [], deleteIds: [] }],
    ['below the cap', 3, [tv, phone], { allowAll: true, allowedIds: [], deleteIds: [] }],
    ['no devices yet', 1, [], { allowAll: true, allowedIds: [], deleteIds: [] }],
    ['at the cap: only current devices', 2, [web, tv], { allowAll: false, allowedIds: ['tv', 'web'], deleteIds: [] }],
    ['one over: the oldest goes', 2, [web, tv, phone], { allowAll: false, allowedIds: ['phone', 'web'], deleteIds: ['tv'] }],
    ['two over: the two oldest go, oldest first', 1, [phone, web, tv], { allowAll: false, allowedIds: ['web'], deleteIds: ['tv', 'phone'] }],
    ['a device never seen active counts as oldest', 2, [web, ghost, phone], { allowAll: false, allowedIds: ['phone', 'web'], deleteIds: ['ghost'] }],
    ['cap 0: every device goes', 0, [tv, web], { allowAll: false, allowedIds: [], deleteIds: ['tv', 'web'] }],
  ] as const)('%s', (_name, cap, devices, expected) => {
    expect(decideDevices(cap, devices)).toEqual(expected);
  });

  it('equal times are broken by id, so two runs delete the same device', () => {
    const a = d('a', '2026-12-01T00:00:00.000Z');
    const b = d('b', '2026-12-01T00:00:00.000Z');
    expect(decideDevices(1, [b, a]).deleteIds).toEqual(['a']);
    expect(decideDevices(1, [a, b]).deleteIds).toEqual(['a']);
  });
});
