import type NodeMailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { lazy } from '../../../platform/lazy.js';

import { IntegrationError } from '../../http/integration-error.js';
import type { Notifier, OutgoingMessage } from '../notifier.js';

const nodemailer = lazy<typeof NodeMailer>('nodemailer');

export interface SmtpConfig {
  host: string;
  port: number;
  security: 'none' | 'starttls' | 'tls';
  username: string;
  password: string;
  fromName: string;
  fromAddress: string;
  allowSelfSigned: boolean;
}

/** SMTP through nodemailer. `starttls` insists on the upgrade; `none` never attempts it. */
export class SmtpNotifier implements Notifier {
  private readonly transport: Transporter;

  constructor(private readonly config: SmtpConfig) {
    this.transport = nodemailer().createTransport({
      host: config.host,
      port: config.port,
      secure: config.security === 'tls',
      requireTLS: config.security === 'starttls',
      ignoreTLS: config.security === 'none',
      auth: config.username ? { user: config.username, pass: config.password } : undefined,
      tls: { rejectUnauthorized: !config.allowSelfSigned },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(message: OutgoingMessage): Promise<void> {
    try {
      await this.transport.sendMail({
        from: { name: this.config.fromName, address: this.config.fromAddress },
        to: message.to,
        subject: message.subject ?? '',
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        headers: { 'X-Usher-Idempotency-Key': message.idempotencyKey },
        messageId: `<${message.idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '-')}@usher>`,
      });
    } catch (error) {
      throw smtpError(error);
    } finally {
      this.transport.close();
    }
  }

  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (error) {
      throw smtpError(error);
    } finally {
      this.transport.close();
    }
  }
}

function smtpError(error: unknown): IntegrationError {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const detail = `(${(e.message ?? 'unknown error').trim()})`;
  // TLS problems are settings problems: the message is kept (retryable) until an administrator fixes them.
  if (e.code === 'ETLS') {
    return new IntegrationError(
      'smtp',
      'tls',
      `The SMTP server did not accept STARTTLS, so Usher sent nothing unencrypted. ${detail}`,
      true,
      'Use security "tls" if the server expects TLS from the first byte (usually port 465); use "none" only for a server on a trusted network.',
    );
  }
  if (/certificate|self[- ]signed|unable to verify/i.test(e.message ?? '')) {
    return new IntegrationError(
      'smtp',
      'tls',
      `The SMTP server's TLS certificate is not trusted. ${detail}`,
      true,
      'If the server uses a self-signed certificate you trust, turn on "Allow self-signed certificates".',
    );
  }
  if (/wrong version number|packet length too long|unknown protocol/i.test(e.message ?? '')) {
    return new IntegrationError(
      'smtp',
      'tls',
      `The SMTP server did not answer with TLS. ${detail}`,
      true,
      'Security "tls" is for servers that expect TLS at once (usually port 465); for port 587 or 25 use "starttls".',
    );
  }
  const permanent = e.code === 'EAUTH' || (e.responseCode !== undefined && e.responseCode >= 500 && e.responseCode < 600);
  const hint =
    e.code === 'EAUTH'
      ? 'The SMTP server refused the username or password.'
      : e.code === 'ESOCKET' || e.code === 'ECONNECTION' || e.code === 'ETIMEDOUT'
        ? 'Usher could not reach the SMTP server: check host, port and security mode.'
        : 'The SMTP server refused the message.';
  return new IntegrationError('smtp', permanent ? 'rejected' : 'unavailable', `${hint} ${detail}`, !permanent);
}
