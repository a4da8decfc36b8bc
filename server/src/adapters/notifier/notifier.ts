/** A channel that delivers one already-rendered message. Templates are rendered before it. */
export interface OutgoingMessage {
  to: string;
  subject: string | null;
  text: string;
  html: string | null;
  /** Stable per logical message, so a retried delivery can be recognised downstream. */
  idempotencyKey: string;
}

export interface Notifier {
  send(message: OutgoingMessage): Promise<void>;
  /** Checks the credentials/connection (the settings page's test button). */
  verify(): Promise<void>;
}
