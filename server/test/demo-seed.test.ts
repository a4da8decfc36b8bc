import { beforeAll, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, seedDemo } from '../src/demo/seed.js';
import { passwordProblems } from '../src/modules/auth/password-policy.js';
import { describeEachDb, trackDisposables } from './support/db.js';
import { createTestUsher, TestClient, type TestUsher } from './support/app.js';

describeEachDb('demo seed', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    await seedDemo(usher.container);
  });

  it('creates an administrator whose printed password meets the password policy and logs in', async () => {
    expect(passwordProblems(DEMO_ADMIN_PASSWORD)).toEqual([]);
    const client = new TestClient(usher.app, '10.70.0.1');
    const res = await client.post('/api/auth/login', { email: DEMO_ADMIN_EMAIL, password: DEMO_ADMIN_PASSWORD });
    expect(res.statusCode).toBe(200);
    const session = (await client.get('/api/auth/session')).json();
    expect(session.login.isAdmin).toBe(true);
  });
});
