import { generate } from 'selfsigned';
import type { SMTPServerOptions } from 'smtp-server';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb, trackDisposables } from './support/db.js';
import { createTestUsher, setupAdmin, type TestClient, type TestUsher } from './support/app.js';
import { startTestSmtp, type TestSmtp } from './support/smtp.js';
import { systemActor } from '../src/modules/audit/audit.service.js';
import { MINUTE_MS } from '../src/platform/clock.js';

const SMTP_USER = 'mailer';
const SMTP_PASSWORD = 'Smtp-Relay-Pass-42';

/** A self-signed certificate for 127.0.0.1/localhost, so only its trust (not its name) is in question. */
async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  });
  return { key: pems.private, cert: pems.cert };
}

const requireLogin: Partial<SMTPServerOptions> = {
  authOptional: false,
  onAuth(auth, _session, callback) {
    if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: SMTP_USER });
    else callback(new Error('Invalid username or password'));
  },
};

/** Starts SMTP servers that are closed with the suite. */
function serversFor(track: ReturnType<typeof trackDisposables>) {
  return async (options: Partial<SMTPServerOptions> = {}, port = 0): Promise<TestSmtp> => {
    const server = await startTestSmtp(options, port);
    track({ dispose: () => server.close() });
    return server;
  };
}

describeEachDb('SMTP security modes', (dialect) => {
  const track = trackDisposables();
  const smtpServer = serversFor(track);
  let usher: TestUsher;
  let admin: TestClient;
  let tls: { key: string; cert: string };
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
    admin = await setupAdmin(usher);
    tls = await selfSignedCertificate();
  });

  /** Unsaved settings for the test and send-test buttons; nothing here is stored. */
  const smtpValues = (server: TestSmtp, values: Record<string, unknown>) => ({ host: '127.0.0.1', port: server.port, ...values });
  const verify = (values: Record<string, unknown>, secrets?: Record<string, string>) =>
    admin.post('/api/admin/settings/email/test', { values, ...(secrets ? { secrets } : {}) });
  const sendTest = (to: string, values: Record<string, unknown>, secrets?: Record<string, string>) =>
    admin.post('/api/admin/settings/email/send-test', { to, values, ...(secrets ? { secrets } : {}) });

  it('none: plain SMTP, not upgraded even when the server offers STARTTLS', async () => {
    const server = await smtpServer({ ...tls });
    const values = smtpValues(server, { security: 'none' });
    expect((await verify(values)).json()).toEqual({ ok: true, details: [] });
    const sent = await sendTest('plain@example.com', values);
    expect(sent.statusCode).toBe(200);
    const mail = await server.waitFor((m) => m.to.includes('plain@example.com'));
    expect(mail).toMatchObject({ to: ['plain@example.com'], subject: 'Test email from Usher', secure: false, user: null });
    expect(mail.text).toContain('Your SMTP settings work.');
  });

  it('starttls: upgrades, then logs in with the password given as an unsaved secret', async () => {
    const server = await smtpServer({ ...tls, ...requireLogin });
    const values = smtpValues(server, { security: 'starttls', username: SMTP_USER, allowSelfSigned: true });
    const secrets = { password: SMTP_PASSWORD };
    const verified = await verify(values, secrets);
    expect(verified.statusCode, verified.body).toBe(200);
    expect((await sendTest('secure@example.com', values, secrets)).statusCode).toBe(200);
    const mail = await server.waitFor((m) => m.to.includes('secure@example.com'));
    expect(mail).toMatchObject({ to: ['secure@example.com'], subject: 'Test email from Usher', secure: true, user: SMTP_USER });

    const wrong = await verify(values, { password: 'not-the-password' });
    expect(wrong.statusCode).toBe(502);
    expect(wrong.json().error.code).toBe('integration_rejected');
    expect(wrong.json().error.message).toContain('username or password');
    expect((await sendTest('secure@example.com', values, { password: 'not-the-password' })).statusCode).toBe(502);
    expect(server.messages).toHaveLength(1);

    const stored = (await admin.get('/api/admin/settings/email')).json();
    expect(stored.values.security).toBe('none');
    expect(stored.secrets.password).toEqual({ set: false });
  });

  it('tls: implicit TLS from the first byte', async () => {
    const server = await smtpServer({ ...tls, secure: true, ...requireLogin });
    const values = smtpValues(server, { security: 'tls', username: SMTP_USER, allowSelfSigned: true });
    const secrets = { password: SMTP_PASSWORD };
    expect((await verify(values, secrets)).statusCode).toBe(200);
    expect((await sendTest('implicit@example.com', values, secrets)).statusCode).toBe(200);
    const mail = await server.waitFor((m) => m.to.includes('implicit@example.com'));
    expect(mail).toMatchObject({ to: ['implicit@example.com'], subject: 'Test email from Usher', secure: true, user: SMTP_USER });
  });

  it('starttls sends nothing to a server that does not offer STARTTLS', async () => {
    const server = await smtpServer();
    const values = smtpValues(server, { security: 'starttls', allowSelfSigned: true });
    const res = await verify(values);
    expect(res.statusCode).toBe(502);
    expect(res.json().error.code).toBe('integration_tls');
    expect(res.json().error.message).toContain('STARTTLS');
    expect(res.json().error.details.fix).toContain('"tls"');
    const sent = await sendTest('never@example.com', values);
    expect(sent.statusCode).toBe(502);
    expect(sent.json().error.code).toBe('integration_tls');
    expect(server.messages).toEqual([]);
  });

  it('tls against a plain server says the server did not answer with TLS', async () => {
    const server = await smtpServer();
    const res = await verify(smtpValues(server, { security: 'tls', allowSelfSigned: true }));
    expect(res.statusCode).toBe(502);
    expect(res.json().error).toMatchObject({ code: 'integration_tls', message: expect.stringContaining('did not answer with TLS') });
    expect(server.messages).toEqual([]);
  });

  it('refuses a self-signed certificate unless allowSelfSigned is on, in starttls and tls modes', async () => {
    for (const security of ['starttls', 'tls'] as const) {
      const server = await smtpServer({ ...tls, secure: security === 'tls' });
      const values = smtpValues(server, { security, allowSelfSigned: false });
      const res = await verify(values);
      expect(res.statusCode, security).toBe(502);
      expect(res.json().error.code, security).toBe('integration_tls');
      expect(res.json().error.message, security).toMatch(/certificate is not trusted\. \(self[- ]signed certificate\)/);
      expect(res.json().error.details.fix, security).toContain('Allow self-signed certificates');
      expect((await sendTest('untrusted@example.com', values)).statusCode, security).toBe(502);
      expect(server.messages, security).toEqual([]);
      expect((await verify({ ...values, allowSelfSigned: true })).statusCode, security).toBe(200);
    }
  });
});

describeEachDb('email outbox', (dialect) => {
  const track = trackDisposables();
  const smtpServer = serversFor(track);
  let usher: TestUsher;
  beforeAll(async () => {
    usher = track(await createTestUsher(dialect));
  });

  const outboxRow = async (key: string) => {
    const { items } = await usher.container.notifications.listOutbox(0, 100);
    return items.find((row) => row.idempotency_key === key);
  };
  const alert = (to: string, key: string, title = 'Disk almost full') =>
    usher.container.notifications.enqueueEmail({
      to,
      event: 'admin_alert',
      vars: { title, message: 'Only 2 GB left.', link: 'https://usher.example.com/admin/alerts' },
      idempotencyKey: key,
    });

  it('keeps a message enqueued while the SMTP server is down and delivers it once, after the backoff', async () => {
    const { notifications, jobs, settings } = usher.container;
    const doomed = await startTestSmtp();
    const port = doomed.port;
    await doomed.close();
    await settings.update('email', { values: { port } }, systemActor);

    await alert('ops@example.com', 'outbox-down-1');
    expect(await notifications.deliverDue()).toBe(0);
    expect(await outboxRow('outbox-down-1')).toMatchObject({ status: 'pending', attempts: 1, sent_at: null });
    expect((await outboxRow('outbox-down-1'))!.last_error).toContain('could not reach the SMTP server');

    const revived = await smtpServer({}, port);
    // Backoff after the first failure is two minutes: nothing is due a minute later.
    usher.clock.advance(MINUTE_MS);
    expect(await notifications.deliverDue()).toBe(0);
    expect(revived.messages).toEqual([]);

    usher.clock.advance(MINUTE_MS);
    const { runId } = await jobs.runNow('email.deliver');
    await jobs.waitForRun(runId);
    expect(await jobs.getRun(runId)).toMatchObject({ status: 'succeeded', message: 'Sent 1 email.' });
    const mail = await revived.waitFor((m) => m.to.includes('ops@example.com'));
    expect(mail.subject).toBe('[Usher] Disk almost full');
    expect(mail.headers.get('x-usher-idempotency-key')).toBe('outbox-down-1');
    expect(await outboxRow('outbox-down-1')).toMatchObject({ status: 'sent', attempts: 2, last_error: null });

    usher.clock.advance(60 * MINUTE_MS);
    expect(await notifications.deliverDue()).toBe(0);
    expect(revived.messages.filter((m) => m.to.includes('ops@example.com'))).toHaveLength(1);
  });

  it('sends one email for an idempotency key enqueued twice', async () => {
    const { notifications, settings } = usher.container;
    await settings.update('email', { values: { port: usher.smtp.port } }, systemActor);
    await alert('twice@example.com', 'outbox-twice-1', 'First wording');
    await alert('twice@example.com', 'outbox-twice-1', 'Second wording');
    expect(await notifications.deliverDue()).toBe(1);
    expect(await notifications.deliverDue()).toBe(0);
    const mail = await usher.smtp.waitFor((m) => m.to.includes('twice@example.com'));
    expect(mail.subject).toBe('[Usher] First wording');
    expect(usher.smtp.messages.filter((m) => m.to.includes('twice@example.com'))).toHaveLength(1);
    const rows = (await notifications.listOutbox(0, 100)).items.filter((row) => row.idempotency_key === 'outbox-twice-1');
    expect(rows).toHaveLength(1);
  });
});
