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

export class IntegrationError extends Error {
  constructor(
    readonly service: string,
    readonly kind: IntegrationErrorKind,
    message: string,
    readonly retryable: boolean,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'IntegrationError';
  }
}
