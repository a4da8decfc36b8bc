import { act, renderHook } from '@testing-library/react';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/client';
import { CURRENCY_CODES } from '../src/lib/currencies';
import { humanizeIssue, placeErrors, useFieldErrors } from '../src/lib/form-errors';
import { capacityWarning, MAX_USERS_LIMIT, maxUsersProblem } from '../src/lib/limits';

/** Repository files, whether the run starts at the repository root or in web/. */
const repoFile = (path: string) => readFileSync(existsSync(join(process.cwd(), 'web')) ? join(process.cwd(), path) : join(process.cwd(), '..', path), 'utf8');

const validation = (issues: { path: string; message: string }[]) => new ApiError(400, 'validation_failed', 'Some fields are missing or not valid.', { issues });

describe('server errors next to their fields', () => {
  it('turns zod wording into plain words', () => {
    expect(humanizeIssue('Invalid URL')).toBe('Enter a full address starting with http:// or https://.');
    expect(humanizeIssue('Too big: expected string to have <=500 characters')).toBe('Use at most 500 characters.');
    expect(humanizeIssue('Too small: expected string to have >=1 characters')).toBe('This field is required.');
    expect(humanizeIssue('an IANA time zone such as Europe/Paris')).toBe('Enter an IANA time zone such as Europe/Paris.');
    expect(humanizeIssue('Enter a whole number of users.')).toBe('Enter a whole number of users.');
  });

  it('places issues and field-naming codes on their fields, and keeps the rest for the form', () => {
    const placed = placeErrors(validation([{ path: 'url', message: 'Invalid URL' }, { path: 'values.siteName', message: 'Too big: expected string to have <=100 characters' }]));
    expect(placed.fields).toEqual({ url: 'Enter a full address starting with http:// or https://.', siteName: 'Use at most 100 characters.' });
    expect(placed.rest).toBeNull();

    const kind = new ApiError(400, 'wrong_server_kind', 'This is an Emby server, not Jellyfin.', { field: 'url', detected: 'emby' });
    expect(placeErrors(kind).fields).toEqual({ url: 'This is an Emby server, not Jellyfin.' });
    const dup = new ApiError(409, 'location_exists', 'A location with this name exists.');
    expect(placeErrors(dup, { codeFields: { location_exists: 'name' } }).fields).toEqual({ name: 'A location with this name exists.' });
    const other = new ApiError(502, 'integration_unavailable', 'Cannot reach Jellyfin: nothing is listening at that address and port.');
    expect(placeErrors(other)).toEqual({ fields: {}, rest: other });
  });

  it('clears a field’s error once that field changes, and a new failure shows again', () => {
    const first = validation([{ path: 'maxUsers', message: 'Enter 0 for unlimited, or a positive number of users.' }]);
    const { result, rerender } = renderHook(({ error }) => useFieldErrors(error), { initialProps: { error: first as unknown } });
    expect(result.current.of('maxUsers')).toMatch(/^Enter 0/);
    act(() => result.current.clear('maxUsers'));
    expect(result.current.of('maxUsers')).toBeUndefined();
    const second = validation([{ path: 'maxUsers', message: 'Enter a whole number of users.' }]);
    rerender({ error: second });
    expect(result.current.of('maxUsers')).toBe('Enter a whole number of users.');
  });
});

describe('the same rules as the server', () => {
  const spec = JSON.parse(repoFile('web/src/api/openapi.json')) as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, { minimum?: number; maximum?: number }> } }> } }>>;
  };

  it('maximum users: the published bounds are the web app’s', () => {
    const maxUsers = spec.paths['/api/admin/servers/{id}']!.patch!.requestBody!.content['application/json']!.schema.properties!.maxUsers!;
    expect(maxUsers.minimum).toBe(0);
    expect(maxUsers.maximum).toBe(MAX_USERS_LIMIT);
  });

  it('refuses what the server refuses and never turns -3 into 0', () => {
    expect(maxUsersProblem(-3)).toMatch(/0 for unlimited/);
    expect(maxUsersProblem('2.5')).toMatch(/whole number/);
    expect(maxUsersProblem('')).not.toBeNull();
    expect(maxUsersProblem(MAX_USERS_LIMIT + 1)).toMatch(/at most/);
    expect(maxUsersProblem(0)).toBeNull();
    expect(maxUsersProblem('40')).toBeNull();
  });

  it('warns when the maximum goes below the members already there, not for unlimited', () => {
    expect(capacityWarning(4, 6)).toMatch(/6 members/);
    expect(capacityWarning(0, 6)).toBeNull();
    expect(capacityWarning(6, 6)).toBeNull();
  });

  it('offers the same currencies the server accepts', () => {
    const server = repoFile('server/src/domain/currencies.ts');
    const codes = [...server.matchAll(/'([A-Z]{3})'/g)].map((m) => m[1]);
    expect(codes).toEqual([...CURRENCY_CODES]);
  });
});

describe('readable audit records', () => {
  it('labels actions, links targets by name and reads details as lines', async () => {
    const { actionLabel, detailLines, targetView } = await import('../src/lib/audit-labels');
    expect(actionLabel('auth.login')).toBe('Signed in');
    expect(actionLabel('auth.2fa_failed')).toBe('Wrong 2FA code');
    expect(actionLabel('plans.archive')).toBe('Plans archive');
    expect(targetView({ targetType: 'server', targetId: 's1', targetName: 'Den' })).toEqual({ label: 'Den', href: '/admin/servers' });
    expect(targetView({ targetType: 'member', targetId: 'm1', targetName: 'alice' })).toEqual({ label: 'alice', href: '/admin/members/m1' });
    expect(targetView({ targetType: 'server', targetId: 's2', targetName: null })).toEqual({ label: 'Server (deleted)', href: null });
    expect(detailLines({ fields: ['maxUsers', 'apiKey (replaced)'] })).toEqual(['Changed: Max users, Api key (replaced)']);
    expect(detailLines({ role: { from: 'Viewer', to: 'Admin' }, enabled: false })).toEqual(['Role: Viewer → Admin', 'Enabled: no']);
  });
});
