import { Parser } from 'htmlparser2';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startJellyfinFake, demoSeed, type MediaBrowserFake } from '../../fakes/src/index.js';
import { describeEachDb, trackDisposables } from './support/db.js';
import { createTestUsher, loginAs, setupAdmin, TestClient, type TestUsher } from './support/app.js';

const XSS = {
  section: '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) ![y](data:image/svg+xml,<svg onload=alert(1)>)',
  answer: '<svg onload=alert(1)></svg> [a](java&#x73;cript:alert(1)) [b](//evil.example)',
};

/** What a browser would build from the HTML: no script-capable element, handler or address survives. */
function expectNoActiveMarkup(html: string) {
  const parser = new Parser({
    onopentag(name, attrs) {
      expect(['script', 'svg', 'iframe', 'style', 'form', 'object', 'embed'], html).not.toContain(name);
      for (const [attr, value] of Object.entries(attrs)) {
        expect(attr, html).not.toMatch(/^on/i);
        if (attr === 'href' || attr === 'src') expect(value, html).toMatch(/^(https?:\/\/[^/]|mailto:|\/[^/\\]|#)/i);
      }
    },
  });
  parser.write(html);
  parser.end();
  expect(html).toContain('&#60;');
}

describeEachDb('public site: home, pricing, FAQ, contact, library statistics', (dialect) => {
  const track = trackDisposables();
  let usher: TestUsher;
  let admin: TestClient;
  let jellyfin: MediaBrowserFake;
  const visitor = () => new TestClient(usher.app, `10.30.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`);

  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    jellyfin = await startJellyfinFake({ serverName: 'Living Room' });
    jellyfin.seed(demoSeed({ users: 0, items: true }));
  });
  afterAll(async () => {
    await jellyfin.close();
  });

  it('renders every custom-content field inert, whatever the operator typed', async () => {
    const saved = await admin.put('/api/admin/settings/content', {
      values: {
        homeSection1: `# Welcome\n\n${XSS.section}`,
        homeSection2: XSS.section,
        pricingText: XSS.section,
        libraryStatsText: XSS.section,
        faq: [{ question: '<script>alert(1)</script>?', answer: XSS.answer }],
      },
    });
    expect(saved.statusCode).toBe(200);
    const home = (await visitor().get('/api/public/home')).json();
    expect(home.sections.section1Html).toContain('<h1>Welcome</h1>');
    expect(home.sections.section1Html).toContain('&#60;script&#62;');
    for (const html of [home.sections.section1Html, home.sections.section2Html, home.pricing.html, home.libraryStats.html]) expectNoActiveMarkup(html);
    const faq = (await visitor().get('/api/public/faq')).json();
    expectNoActiveMarkup(faq.entries[0].answerHtml);
    // Questions are plain text: the web page puts them in as text, never as HTML.
    expect(faq.entries[0].question).toBe('<script>alert(1)</script>?');
  });

  it('refuses extra CSS that loads or runs anything, and changes nothing', async () => {
    for (const extraCss of ['@import url(https://evil.example/a.css);', 'body{background:url(https://t.example/p.gif)}', '</style><script>alert(1)</script>']) {
      const res = await admin.put('/api/admin/settings/content', { values: { extraCss } });
      expect(res.statusCode, extraCss).toBe(400);
      expect(res.json().error.code).toBe('invalid_settings');
    }
    const bad = await admin.put('/api/admin/settings/content', { values: { logoUrl: 'javascript:alert(1)' } });
    expect(bad.statusCode).toBe(400);
    expect((await admin.put('/api/admin/settings/content', { values: { extraCss: '.hero{color:#fff}', logoUrl: 'https://cdn.example.com/logo.png' } })).statusCode).toBe(200);
    const site = (await visitor().get('/api/public/site')).json();
    expect(site.branding).toEqual({ logoUrl: 'https://cdn.example.com/logo.png', wallpaperUrl: '', extraCss: '.hero{color:#fff}' });
  });

  it('previews unsaved Markdown for the admin with the same renderer', async () => {
    const res = await admin.post('/api/admin/content/preview', { markdown: ['**bold**', '<script>x</script>'] });
    expect(res.json()).toEqual({ html: ['<p><strong>bold</strong></p>', '<p>&#60;script&#62;x&#60;/script&#62;</p>'] });
    expect((await visitor().post('/api/admin/content/preview', { markdown: [] })).statusCode).toBe(401);
  });

  it('prices only the active plans, with what each includes', async () => {
    const premium = await admin.post('/api/admin/plans', {
      name: 'Premium',
      description: 'Everything in 4K',
      costMinor: 1599,
      duration: { unit: 'months', count: 1 },
      libraryGroupIds: ['group-standard', 'group-premium-4k'],
      maxStreams: 4,
      allowDownloads: true,
      allowTranscoding: false,
    });
    expect(premium.statusCode).toBe(201);
    await admin.post('/api/admin/plans', { name: 'Basic', costMinor: 799, duration: { unit: 'days', count: 30 }, libraryGroupIds: ['group-standard'], maxStreams: 1 });
    const retired = (await admin.post('/api/admin/plans', { name: 'Retired', costMinor: 500, duration: { unit: 'months', count: 1 }, libraryGroupIds: ['group-standard'] })).json();
    await admin.patch(`/api/admin/plans/${retired.id}`, { active: false });
    await admin.put('/api/admin/settings/paymentGateways', { values: { recurringEnabled: false } });

    const pricing = (await visitor().get('/api/public/plans')).json();
    expect(pricing.plans.map((p: { name: string }) => p.name)).toEqual(['Premium', 'Basic']);
    expect(pricing.plans[0]).toEqual({
      id: premium.json().id,
      name: 'Premium',
      description: 'Everything in 4K',
      costMinor: 1599,
      currency: 'USD',
      duration: { unit: 'months', count: 1 },
      trialDays: null,
      maxStreams: 4,
      allowDownloads: true,
      allowTranscoding: false,
      includes4k: true,
      libraryGroups: ['Standard', 'Premium 4K'],
      billing: { recurring: false, oneOff: true },
    });
    expect(pricing.plans[1]).toMatchObject({ includes4k: false, libraryGroups: ['Standard'], maxStreams: 1, duration: { unit: 'days', count: 30 } });
    expect((await visitor().get('/api/public/home')).json().pricing.plans).toHaveLength(2);

    await admin.put('/api/admin/settings/general', { values: { showPricingSection: false } });
    expect((await visitor().get('/api/public/home')).json().pricing).toBeNull();
    const hidden = await visitor().get('/api/public/plans');
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe('pricing_hidden');
    await admin.put('/api/admin/settings/general', { values: { showPricingSection: true } });
  });

  it('keeps a members-only home page and FAQ from visitors, but not from logged-in customers', async () => {
    await admin.put('/api/admin/settings/general', { values: { homePagePublic: false, faqPagePublic: false } });
    const home = await visitor().get('/api/public/home');
    expect(home.statusCode).toBe(401);
    expect(home.json().error.code).toBe('home_private');
    expect((await visitor().get('/api/public/faq')).json().error.code).toBe('faq_private');
    const customer = await loginAs(usher, admin, 'customer@example.com', 'role-user');
    expect((await customer.get('/api/public/home')).statusCode).toBe(200);
    expect((await customer.get('/api/public/faq')).statusCode).toBe(200);
    await admin.put('/api/admin/settings/general', { values: { homePagePublic: true, faqPagePublic: true } });
    expect((await visitor().get('/api/public/home')).statusCode).toBe(200);
  });

  it('relays a contact message to the admin once, as an alert and an email', async () => {
    const closed = await visitor().post('/api/public/contact', { name: 'Ann', email: 'ann@example.com', message: 'Do you have anime?' });
    expect(closed.statusCode).toBe(404);
    await admin.put('/api/admin/settings/general', { values: { contactPageEnabled: true, adminEmail: 'boss@example.com' } });

    const invalid = await visitor().post('/api/public/contact', { name: '', email: 'not-an-email', message: 'hi' });
    expect(invalid.statusCode).toBe(400);
    const fields = JSON.stringify(invalid.json().error.details);
    expect(fields).toContain('name');
    expect(fields).toContain('email');
    expect(fields).toContain('message');

    const sent = await visitor().post('/api/public/contact', { name: 'Ann Visitor', email: 'ann@example.com', message: 'Do you have anime? <b>asking</b>' });
    expect(sent.json()).toEqual({ ok: true });
    const alerts = (await admin.get('/api/admin/alerts')).json().items.filter((a: { kind: string }) => a.kind === 'contact_message');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ title: 'Contact form: Ann Visitor <ann@example.com>', message: 'Do you have anime? <b>asking</b>' });
    const mail = await usher.smtp.waitFor((m) => m.to.includes('boss@example.com') && m.subject.includes('Ann Visitor'));
    expect(mail.text).toContain('Do you have anime?');
    expect(mail.html ?? '').not.toContain('<b>asking</b>');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(usher.smtp.messages.filter((m) => m.subject.includes('Ann Visitor'))).toHaveLength(1);
  });

  it('answers a filled honeypot like a real message but relays nothing', async () => {
    const before = (await admin.get('/api/admin/alerts')).json().items.length;
    const res = await visitor().post('/api/public/contact', { name: 'Bot', email: 'bot@example.com', message: 'Cheap watches here!!', website: 'https://spam.example' });
    expect(res.json()).toEqual({ ok: true });
    expect((await admin.get('/api/admin/alerts')).json().items.length).toBe(before);
  });

  it('limits contact messages per address', async () => {
    const spammer = new TestClient(usher.app, '10.99.0.1');
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push((await spammer.post('/api/public/contact', { name: 'Sam', email: 'sam@example.com', message: `Message number ${i}` })).statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await visitor().post('/api/public/contact', { name: 'Other', email: 'o@example.com', message: 'A different visitor' })).statusCode).toBe(200);
  });

  it('counts libraries per group with the daily job; private libraries stay out of it', async () => {
    const server = await admin.post('/api/admin/servers', { kind: 'jellyfin', url: jellyfin.url, apiKey: jellyfin.apiKey, enabled: true });
    expect(server.statusCode).toBe(201);
    await admin.post(`/api/admin/servers/${server.json().id}/sync`);
    const libraries = (await admin.get('/api/admin/libraries')).json().items as { id: string; title: string }[];
    const byTitle = new Map(libraries.map((l) => [l.title, l.id]));
    await admin.put(`/api/admin/libraries/${byTitle.get('Movies')}/group`, { groupId: 'group-standard' });
    await admin.put(`/api/admin/libraries/${byTitle.get('TV Shows')}/group`, { groupId: 'group-standard' });
    await admin.put(`/api/admin/libraries/${byTitle.get('4K Movies')}/group`, { groupId: 'group-premium-4k' });
    // Music stays in Private.

    expect((await visitor().get('/api/public/home')).json().libraryStats.groups).toEqual([]);
    const run = await admin.post('/api/admin/jobs/libraries.stats/run');
    expect(run.statusCode).toBe(202);
    let stats: { groups: unknown[]; countedAt: string | null } = { groups: [], countedAt: null };
    for (let i = 0; i < 100 && stats.groups.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stats = (await visitor().get('/api/public/home')).json().libraryStats;
    }
    expect(stats.groups).toEqual([
      { groupId: 'group-premium-4k', groupName: 'Premium 4K', counts: { movies: 6 } },
      { groupId: 'group-standard', groupName: 'Standard', counts: { movies: 24, shows: 3, episodes: 30 } },
    ]);
    expect(stats.countedAt).toBe('2026-03-01T12:00:00.000Z');

    // The public page never calls the server: it keeps answering from what was counted.
    jellyfin.http.resetCounts();
    await visitor().get('/api/public/home');
    expect(jellyfin.http.totalRequests()).toBe(0);

    await admin.put('/api/admin/settings/content', { values: { showLibraryStats: false } });
    expect((await visitor().get('/api/public/home')).json().libraryStats).toBeNull();
  });
});
