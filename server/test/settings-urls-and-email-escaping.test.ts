import { beforeAll, expect, it } from 'vitest';
import { systemActor } from '../src/modules/audit/audit.service.js';
import { describeEachDb, trackDisposables } from './support/db.js';
import { createTestUsher, setupAdmin, TestClient, type TestUsher } from './support/app.js';

describeEachDb('settings URLs and escaped email output', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
  });

  it('URL settings accept http(s) only, with a message that says so, and change nothing otherwise', async () => {
    const before = (await admin.get('/api/admin/settings/general')).json();
    for (const siteUrl of ['javascript:alert(1)//', 'ftp://files.example.com', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'https://']) {
      const res = await admin.put('/api/admin/settings/general', { values: { siteUrl } });
      expect(res.statusCode, siteUrl).toBe(400);
      expect(res.json().error).toMatchObject({
        code: 'invalid_settings',
        details: { issues: [{ path: 'siteUrl', message: expect.stringContaining('http:// or https://') }] },
      });
    }
    expect((await admin.get('/api/admin/settings/general')).json()).toEqual(before);
    expect((await admin.put('/api/admin/settings/general', { values: { siteUrl: 'http://watch.example.com:8080/base' } })).statusCode).toBe(200);
    expect((await admin.put('/api/admin/settings/general', { values: { siteUrl: '' } })).statusCode).toBe(200);
    expect((await admin.put('/api/admin/settings/discord', { secrets: { adminWebhookUrl: 'javascript:alert(1)' } })).statusCode).toBe(400);
    await admin.put('/api/admin/settings/general', { values: { siteUrl: before.values.siteUrl } });
  });

  it('a member name with <script> is escaped in the HTML email; links and the text part stay intact', async () => {
    await usher.container.settings.update('general', { values: { adminEmail: 'alerts@example.com', siteUrl: 'https://usher.example.com/?a=1&b=2' } }, systemActor);
    const name = '<script>alert("pwned")</script> & Co';
    await usher.container.alerts.raise({ kind: 'token_invalid', severity: 'error', title: `Plex token rejected for ${name}`, message: `Member ${name} lost access.` });
    const mail = await usher.smtp.waitFor((m) => m.to.includes('alerts@example.com') && m.subject.includes('token rejected'));
    expect(mail.html).not.toBeNull();
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt; &amp; Co');
    // The link stays a working link: escaped as HTML attributes expect, decoded back by any mail client.
    expect(mail.html).toContain('<a href="https://usher.example.com/?a=1&amp;b=2/admin/alerts">');
    // Plain text is not markup: nothing to escape there, and a link keeps its raw '&'.
    expect(mail.text).toContain(`Member ${name} lost access.`);
    expect(mail.text).toContain('https://usher.example.com/?a=1&b=2/admin/alerts');
    expect(mail.subject).toContain(name);
  });

  it('confirmation emails carry the link in both parts', async () => {
    await usher.container.settings.update('general', { values: { siteUrl: 'https://usher.example.com' } }, systemActor);
    const res = await new TestClient(usher.app, '10.9.9.9').post('/api/auth/register', { email: 'escaped@example.com', password: 'Customer-Pass-3!' });
    expect(res.statusCode, res.body).toBeLessThan(300);
    const mail = await usher.smtp.waitFor((m) => m.to.includes('escaped@example.com'));
    const link = /https:\/\/usher\.example\.com\/confirm\?token=[\w-]+/.exec(mail.text)?.[0];
    expect(link).toBeDefined();
    expect(mail.html).toContain(`<a href="${link}">`);
  });
});
