import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { demoSeed, startJellyfinFake, TEMPLATE_USER_NAME, type MediaBrowserFake } from '../../../fakes/src/index.js';
import { createContainer, type Container } from '../../src/container.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { createLogger } from '../../src/http/logger.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from '../support/app.js';
import { describeEachDb, trackDisposables } from '../support/db.js';
import { actualAccounts, libraryIds, operationRows, operationsFor } from './support/operations.js';

/*
 * Two Usher instances on one database (its own connection pool each, as two processes would have):
 * PostgreSQL is the deployment this is for; on SQLite two handles share the file.
 */
describeEachDb('Operations with two instances on one database', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  let serverId: string;
  let second: { container: Container; handle: DatabaseHandle };

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    await admin.put('/api/admin/settings/mediaServer', { values: { defaultTemplateUser: TEMPLATE_USER_NAME } });
    jellyfin = await startJellyfinFake({ serverName: 'Shared' });
    jellyfin.seed(demoSeed({ users: 30, items: false, userPrefix: 'two-' }));
    serverId = (await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true })).json().id;
    await admin.post(`/api/admin/servers/${serverId}/sync`);
    expect((await admin.post('/api/admin/members/import', { serverIds: [serverId], mode: 'permanent' })).json()).toEqual({ imported: 30 });

    const handle = usher.db.pg
      ? openDatabase({ databaseUrl: usher.db.pg.url, dataDir: usher.db.dataDir, pgSchema: usher.db.pg.schema, poolSize: 5 })
      : openDatabase({ dataDir: usher.db.dataDir });
    // Same secret key (it decrypts the server's API key) and clock; its own instance id and pool.
    const container = createContainer({ env: usher.container.env, database: handle, secrets: usher.container.secrets, log: createLogger('silent'), clock: usher.clock });
    second = { container, handle };
  });
  afterAll(async () => {
    await second.container.operations.stop();
    await second.container.jobs.stop();
    await second.container.mediaRegistry.close();
    await second.handle.close();
    await jellyfin.close();
  });

  it('passes started at once on both instances apply every operation exactly once', async () => {
    const first = usher.container.operations;
    const other = second.container.operations;
    await first.stop();
    await other.stop();
    expect(usher.container.jobs.instanceId).not.toBe(second.container.jobs.instanceId);
    const libs = await libraryIds(usher, serverId);
    const accounts = await actualAccounts(usher, serverId);
    const ops = operationsFor('jellyfin', accounts, { libraries: [libs.get('Music')!], allowDownloads: true, allowTranscoding: true, sessionCap: 4 });
    expect(ops).toHaveLength(30);
    // Both instances computed the same change: still one row each. (At once on PostgreSQL; two SQLite
    // connections in one process cannot interleave transactions, and SQLite runs one instance anyway.)
    if (dialect === 'postgres') await Promise.all([first.enqueue(ops), other.enqueue(ops)]);
    else for (const service of [first, other]) await service.enqueue(ops);
    expect(await operationRows(usher)).toHaveLength(30);

    jellyfin.http.resetCounts();
    const [a, b] = await Promise.all([first.applyDue(), other.applyDue()]);
    expect(a.applied + b.applied).toBe(30);
    expect(a.retried + b.retried + a.failed + b.failed).toBe(0);
    // Each grant reads the user once and writes its policy once: an operation applied twice would read twice.
    expect(jellyfin.http.requestCounts()['GET /Users/:id']).toBe(30);
    expect(jellyfin.http.requestCounts()['POST /Users/:id/Policy']).toBe(30);
    const rows = await operationRows(usher);
    expect(rows.every((r) => r.status === 'done' && Number(r.attempts) === 1)).toBe(true);
    for (const account of accounts) expect(jellyfin.state.users.get(account.remoteId)!.policy).toMatchObject({ EnabledFolders: [libs.get('Music')], MaxActiveSessions: 4 });
  });

  it('an enqueue starts a pass in the background, without waiting for the minute job', async () => {
    // A third instance whose kicks are on (the others were stopped to count passes).
    const third = createContainer({ env: usher.container.env, database: second.handle, secrets: usher.container.secrets, log: createLogger('silent'), clock: usher.clock });
    try {
      const libs = await libraryIds(usher, serverId);
      const [account] = await actualAccounts(usher, serverId);
      const ops = operationsFor('jellyfin', [account!], { libraries: [libs.get('Movies')!], allowDownloads: false, allowTranscoding: false, sessionCap: 1 });
      expect((await third.operations.enqueue(ops)).inserted).toHaveLength(1);
      await vi.waitFor(async () => expect((await operationRows(usher)).find((r) => r.idempotency_key === ops[0]!.idempotencyKey)?.status).toBe('done'), { timeout: 10_000 });
      expect(jellyfin.state.users.get(account!.remoteId)!.policy).toMatchObject({ EnabledFolders: [libs.get('Movies')], MaxActiveSessions: 1 });
    } finally {
      await third.operations.stop();
      await third.jobs.stop();
      await third.mediaRegistry.close();
    }
  });
});
