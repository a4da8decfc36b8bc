import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeHttpServer, json } from '../src/core/fake-server.js';

describe('FakeHttpServer', () => {
  const fake = new FakeHttpServer('Example');
  fake.route('GET', '/things/:id', (req) => json(200, { id: req.params.id }));
  beforeAll(async () => {
    await fake.listen();
  });
  afterAll(() => fake.close());

  it('routes, counts per endpoint and injects failures', async () => {
    expect(await (await fetch(`${fake.url}/things/7`)).json()).toEqual({ id: '7' });
    fake.fail('GET /things/:id', 1, 503);
    expect((await fetch(`${fake.url}/things/8`)).status).toBe(503);
    expect((await fetch(`${fake.url}/things/8`)).status).toBe(200);
    const counts = await (await fetch(`${fake.url}/__control/requests`)).json();
    expect(counts).toEqual({ total: 3, byRoute: { 'GET /things/:id': 3 } });
  });

  it('goes down and comes back through the control surface', async () => {
    await fetch(`${fake.url}/__control/down`, { method: 'POST', body: JSON.stringify({ down: true }), headers: { 'content-type': 'application/json' } });
    await expect(fetch(`${fake.url}/things/1`)).rejects.toThrow();
    await fetch(`${fake.url}/__control/down`, { method: 'POST', body: JSON.stringify({ down: false }), headers: { 'content-type': 'application/json' } });
    expect((await fetch(`${fake.url}/things/1`)).status).toBe(200);
  });
});
