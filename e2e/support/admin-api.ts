import { expect, request as playwrightRequest } from '@playwright/test';
import type { RunningUsher } from './usher';

export type AdminCall = (method: 'get' | 'post' | 'put' | 'patch', path: string, data?: unknown) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface AdminApi {
  call: AdminCall;
  dispose(): Promise<void>;
}

/**
 * Completes the first-run setup over the API and returns a caller logged in as that admin, for
 * specs whose subject is not the admin panel: their fixture (servers, plans) is set up without clicks.
 */
export async function setupAdminApi(usher: RunningUsher, admin: { email: string; password: string }): Promise<AdminApi> {
  const context = await playwrightRequest.newContext({ baseURL: usher.url });
  expect((await context.post('/api/setup', { data: { token: usher.setupToken, ...admin } })).status()).toBe(200);
  const csrf = (await context.storageState()).cookies.find((c) => c.name === 'usher_csrf')!.value;
  return {
    async call(method, path, data) {
      const res = await context[method](path, { headers: { 'X-CSRF-Token': csrf }, ...(data === undefined ? {} : { data }) });
      expect(res.ok(), `${method.toUpperCase()} ${path}: ${await res.text()}`).toBe(true);
      return res.json();
    },
    dispose: () => context.dispose(),
  };
}
