import type { Liquid as LiquidType } from 'liquidjs';
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { lazy } from '../../platform/lazy.js';
import type { Logger } from 'pino';
import type { Notifier } from '../../adapters/notifier/notifier.js';
import { SmtpNotifier } from '../../adapters/notifier/email/smtp-notifier.js';
import { IntegrationError } from '../../adapters/http/integration-error.js';
import { addMs, DAY_MS, MINUTE_MS, type Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { SectionValues } from '../settings/settings.schema.js';
import type { OutboxRepository } from './outbox.repository.js';
import { defaultEmailTemplates, secretEmailVars, type EmailEvent } from './templates.js';

const liquidjs = lazy<{ Liquid: typeof LiquidType }>('liquidjs');

const MAX_ATTEMPTS = 8;
const LEASE_MS = 5 * MINUTE_MS;

const MASK = '[one-time value removed]';

/** Builds the SMTP notifier from the current email settings; tests swap it to count or fail sends. */
export type EmailNotifierFactory = (settings: Awaited<ReturnType<SettingsService['get']>>) => Notifier;

export const smtpNotifierFactory: EmailNotifierFactory = (s) => new SmtpNotifier(s as never);

/**
 * Email goes through the outbox: a message is rendered, stored once under its idempotency key, and
 * delivered by `deliverDue` with exponential backoff. A crash between enqueue and send loses nothing.
 */
export class NotificationService {
  private htmlEngine: LiquidType | undefined;
  private textEngine: LiquidType | undefined;

  /** Escapes every output by default: names, titles and messages come from outside. */
  private liquid(): LiquidType {
    return (this.htmlEngine ??= new (liquidjs().Liquid)({ strictFilters: true, outputEscape: 'escape' }));
  }

  /** Subjects and text/plain bodies are not markup: escaping would turn `&` in links into `&amp;`. */
  private plainLiquid(): LiquidType {
    return (this.textEngine ??= new (liquidjs().Liquid)({ strictFilters: true }));
  }
  private delivering: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly notifierFactory: EmailNotifierFactory = smtpNotifierFactory,
  ) {}

  async emailConfigured(): Promise<boolean> {
    const email = await this.settings.get('email');
    return email.enabled && email.host !== '' && email.fromAddress !== '';
  }

  /**
   * `within`: a transaction the message commits with (the general settings read before it opened,
   * since SQLite's one connection is busy with the transaction until it ends).
   */
  async enqueueEmail(
    args: {
      to: string;
      event: EmailEvent;
      vars: Record<string, unknown>;
      idempotencyKey: string;
    },
    within?: { trx: Transaction<Database>; general: SectionValues<'general'> },
  ): Promise<void> {
    const general = within?.general ?? (await this.settings.get('general'));
    const template = defaultEmailTemplates[args.event];
    const vars = { site: { name: general.siteName, url: general.siteUrl }, ...args.vars };
    const [subject, text, html] = await Promise.all([
      this.plainLiquid().parseAndRender(template.subject, vars) as Promise<string>,
      this.plainLiquid().parseAndRender(template.text, vars) as Promise<string>,
      this.liquid().parseAndRender(template.html, vars) as Promise<string>,
    ]);
    const secretVars = secretEmailVars[args.event] ?? [];
    const safeSubject =
      secretVars.length === 0
        ? null
        : (
            (await this.liquid().parseAndRender(template.subject, {
              ...vars,
              ...Object.fromEntries(secretVars.map((v) => [v, MASK])),
            })) as string
          ).trim();
    const now = this.clock.now().toISOString();
    await this.outbox.enqueue(
      {
        safe_subject: safeSubject,
        id: newId(),
        channel: 'email',
        recipient: args.to,
        subject: subject.trim(),
        body_text: text.trim() + '\n',
        body_html: html.trim() + '\n',
        idempotency_key: args.idempotencyKey,
        next_attempt_at: now,
        created_at: now,
      },
      within?.trx,
    );
  }

  /** Starts a delivery pass in the background (after a request enqueued mail); errors are logged. */
  kick(): void {
    this.deliverDue().catch((error: unknown) => this.log.error({ err: error }, 'email delivery pass failed'));
  }

  /** Sends every due message once; returns how many were sent. Concurrent calls share one pass. */
  deliverDue(): Promise<number> {
    if (this.delivering) {
      // A message enqueued while a pass runs may be missed by it: ask for one more pass afterwards.
      this.again = true;
      return this.delivering;
    }
    this.delivering = (async () => {
      let sent = 0;
      do {
        this.again = false;
        sent += await this.runPass();
      } while (this.again);
      return sent;
    })().finally(() => {
      this.delivering = null;
    });
    return this.delivering;
  }

  async sendTest(to: string, values?: Record<string, unknown>): Promise<void> {
    const settings = values ?? (await this.settings.get('email'));
    const notifier = this.notifierFactory(settings as never);
    const general = await this.settings.get('general');
    await notifier.send({
      to,
      subject: `Test email from ${general.siteName}`,
      text: `This is a test email from ${general.siteName}. Your SMTP settings work.\n`,
      html: null,
      idempotencyKey: `test-${newId()}`,
    });
  }

  async verify(values: Record<string, unknown>): Promise<void> {
    await this.notifierFactory(values as never).verify();
  }

  listOutbox(offset: number, limit: number) {
    return this.outbox.list(offset, limit);
  }

  /** Deletes sent and failed messages older than the Email setting `outboxRetentionDays`. */
  async pruneOutbox(): Promise<number> {
    const { outboxRetentionDays } = await this.settings.get('email');
    return this.outbox.pruneFinished(addMs(this.clock.now(), -outboxRetentionDays * DAY_MS).toISOString());
  }

  private async runPass(): Promise<number> {
    const settings = await this.settings.get('email');
    if (!settings.enabled || !settings.host) return 0;
    let sent = 0;
    for (;;) {
      const now = this.clock.now();
      const due = await this.outbox.due(now.toISOString(), 50);
      if (due.length === 0) return sent;
      for (const row of due) {
        const claimed = await this.outbox.claim(row.id, row.attempts, addMs(now, LEASE_MS).toISOString());
        if (!claimed) continue;
        try {
          await this.notifierFactory(settings as never).send({
            to: row.recipient,
            subject: row.subject,
            text: row.body_text,
            html: row.body_html,
            idempotencyKey: row.idempotency_key,
          });
          await this.outbox.markSent(row.id, this.clock.now().toISOString());
          sent++;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const retryable = !(error instanceof IntegrationError) || error.retryable;
          const attempts = row.attempts + 1;
          if (!retryable || attempts >= MAX_ATTEMPTS) {
            await this.outbox.markFailed(row.id, message);
          } else {
            const backoff = Math.min(2 ** attempts, 240) * MINUTE_MS;
            await this.outbox.markRetry(row.id, message, addMs(this.clock.now(), backoff).toISOString());
          }
          this.log.warn({ outboxId: row.id, attempts, retryable }, 'email delivery failed');
        }
      }
      if (due.length < 50) return sent;
    }
  }
}
