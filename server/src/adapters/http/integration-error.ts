/** A failure talking to a third party. `retryable` decides whether the caller tries again later. */
export type IntegrationErrorKind =
  | 'unavailable'
  | 'timeout'
  | 'unauthorized'
  | 'rejected'
  | 'not_found'
  | 'rate_limited'
  | 'invalid_response'
  | 'tls';

export interface IntegrationErrorExtras {
  /** What the admin should do about it, shown next to the error. */
  fix?: string;
  /** HTTP status of the remote answer, when there was one. */
  status?: number;
  /** The start of the remote body, for diagnostics (never contains our secrets). */
  body?: string;
  /** A stable cause adapters recognise (e.g. 'plex_stale_libraries', 'server_full'). */
  cause?: string;
  /** How long the remote asked Usher to wait (Retry-After), when it said. */
  retryAfterMs?: number;
  /** The low-level code (UND_ERR_SOCKET, ECONNREFUSED): logged with the request id, never shown. */
  networkCode?: string;
}

export class IntegrationError extends Error {
  readonly fix: string | undefined;
  readonly status: number | undefined;
  readonly body: string | undefined;
  readonly reason: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly networkCode: string | undefined;

  constructor(
    readonly service: string,
    readonly kind: IntegrationErrorKind,
    message: string,
    readonly retryable: boolean,
    extras: IntegrationErrorExtras | string = {},
  ) {
    super(message);
    this.name = 'IntegrationError';
    const e = typeof extras === 'string' ? { fix: extras } : extras;
    this.fix = e.fix;
    this.status = e.status;
    this.body = e.body;
    this.reason = e.cause;
    this.retryAfterMs = e.retryAfterMs;
    this.networkCode = e.networkCode;
  }

  /** A copy with a recognised cause and the fix the admin should apply. */
  withCause(cause: string, message: string, fix: string, retryable = this.retryable): IntegrationError {
    return new IntegrationError(this.service, this.kind, message, retryable, {
      fix,
      status: this.status,
      body: this.body,
      cause,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
    });
  }
}
