import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { NotificationService } from '../notifications/notifications.service.js';
import type { SettingsService } from '../settings/settings.service.js';
import type { Alert, AlertsRepository } from './alerts.repository.js';

export interface RaiseAlert {
  kind: string;
  severity: Alert['severity'];
  title: string;
  message: string;
  /** While an unread alert with this key exists, raising it again adds nothing. */
  dedupeKey?: string;
}

/** The operator's in-app alert list; each new alert is also emailed to the administrator contact. */
export class AlertsService {
  constructor(
    private readonly repo: AlertsRepository,
    private readonly settings: SettingsService,
    private readonly notifications: NotificationService,
    private readonly clock: Clock,
  ) {}

  async raise(input: RaiseAlert): Promise<Alert | null> {
    if (input.dedupeKey && (await this.repo.hasUnread(input.dedupeKey))) return null;
    const alert: Alert = {
      id: newId(),
      at: this.clock.now().toISOString(),
      kind: input.kind,
      severity: input.severity,
      title: input.title,
      message: input.message,
      readAt: null,
    };
    await this.repo.insert({ ...alert, dedupeKey: input.dedupeKey ?? null });
    const general = await this.settings.get('general');
    if (general.adminEmail) {
      await this.notifications.enqueueEmail({
        to: general.adminEmail,
        event: 'admin_alert',
        vars: {
          title: alert.title,
          message: alert.message,
          link: `${(general.siteUrl || 'http://localhost:8080').replace(/\/$/, '')}/admin/alerts`,
        },
        idempotencyKey: `alert-${alert.id}`,
      });
      this.notifications.kick();
    }
    return alert;
  }

  list(filter: { unreadOnly: boolean; offset: number; limit: number }) {
    return this.repo.list(filter);
  }

  unreadCount() {
    return this.repo.unreadCount();
  }

  markRead(ids: string[] | 'all') {
    return this.repo.markRead(ids, this.clock.now().toISOString());
  }
}
