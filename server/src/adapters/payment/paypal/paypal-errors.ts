import { IntegrationError, type IntegrationErrorKind } from '../../http/integration-error.js';

export const PAYPAL_SERVICE = 'PayPal';

export interface PayPalErrorDetail {
  issue?: string;
  description?: string;
  field?: string;
  value?: string;
  location?: string;
}

/** What the failing call was about, so a RESOURCE_NOT_FOUND can say which id is wrong. */
export type PayPalResource = 'token' | 'order' | 'subscription' | 'plan' | 'webhook' | 'reporting' | 'nvp';

/**
 * A PayPal refusal with what PayPal said: the REST error `name` (RESOURCE_NOT_FOUND, UNPROCESSABLE_ENTITY…)
 * or OAuth `error` (invalid_client), the `debug_id` PayPal support asks for, the `details` issues,
 * and a fix an admin can act on. `reason` is `paypal_<issue or name>` in lower case.
 */
export class PayPalError extends IntegrationError {
  constructor(
    kind: IntegrationErrorKind,
    message: string,
    retryable: boolean,
    readonly paypalName: string | undefined,
    readonly debugId: string | undefined,
    readonly details: PayPalErrorDetail[],
    extras: { fix?: string; status?: number; body?: string; cause?: string },
  ) {
    super(PAYPAL_SERVICE, kind, message, retryable, extras);
    this.name = 'PayPalError';
  }

  /** The first detail issue (ORDER_NOT_APPROVED, SUBSCRIPTION_STATUS_INVALID…), else the name. */
  get issue(): string | undefined {
    return this.details.find((d) => d.issue)?.issue ?? this.paypalName;
  }
}

interface ParsedBody {
  name?: string;
  message?: string;
  debugId?: string;
  details: PayPalErrorDetail[];
}

/**
 * Reads a REST (`name`/`message`/`debug_id`/`details`) or OAuth (`error`/`error_description`) error
 * body. IntegrationError keeps only the start of a body, so a cut-off JSON falls back to picking the
 * fields out of the text: name, debug_id and the first issues come before the long `links`.
 */
export function parsePayPalErrorBody(body: string | undefined): ParsedBody {
  if (!body) return { details: [] };
  try {
    const v = JSON.parse(body) as Record<string, unknown>;
    const name = str(v.name) ?? str(v.error);
    const message = str(v.message) ?? str(v.error_description);
    const debugId = str(v.debug_id);
    const details = Array.isArray(v.details) ? (v.details as PayPalErrorDetail[]) : [];
    return { ...(name ? { name } : {}), ...(message ? { message } : {}), ...(debugId ? { debugId } : {}), details };
  } catch {
    const pick = (key: string) => new RegExp(`"${key}"\\s*:\\s*"([^"]*)"`).exec(body)?.[1];
    const name = pick('name') ?? pick('error');
    const message = pick('message') ?? pick('error_description');
    const debugId = pick('debug_id');
    const details = [...body.matchAll(/"issue"\s*:\s*"([^"]*)"/g)].map((m) => ({ issue: m[1]! }));
    return { ...(name ? { name } : {}), ...(message ? { message } : {}), ...(debugId ? { debugId } : {}), details };
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const MODE_HINT = 'Sandbox credentials work only against the sandbox and live credentials only live.';

/** The fix shown next to an error, by PayPal name/issue and by what the call was about. */
function fixFor(
  name: string | undefined,
  issue: string | undefined,
  resource: PayPalResource,
  status: number | undefined,
): string | undefined {
  if (name === 'invalid_client')
    return `Wrong client id or secret for this mode: copy both again from developer.paypal.com → Apps & Credentials. ${MODE_HINT}`;
  if (name === 'invalid_token' || name === 'AUTHENTICATION_FAILURE')
    return `PayPal refused the access token; test the credentials again. ${MODE_HINT}`;
  if (name === 'NOT_AUTHORIZED' || status === 403) {
    return resource === 'reporting'
      ? 'The PayPal REST app lacks the "Transaction search" permission: enable it on the app in developer.paypal.com (it can take a few hours to apply).'
      : 'The PayPal REST app is not allowed to do this: check the features enabled on the app in developer.paypal.com.';
  }
  if (name === 'RESOURCE_NOT_FOUND' || issue === 'INVALID_RESOURCE_ID') {
    if (resource === 'plan')
      return 'Sandbox/live mismatch or wrong plan id: the PayPal plan id must exist in the same mode (sandbox or live) and account as these credentials.';
    if (resource === 'subscription')
      return 'Sandbox/live mismatch or wrong subscription id: the subscription does not exist in this PayPal account and mode.';
    if (resource === 'order') return 'Sandbox/live mismatch or wrong order id: the order does not exist in this PayPal account and mode.';
    if (resource === 'webhook')
      return "The webhook id is not one of this PayPal app's webhooks: copy it from developer.paypal.com → Apps & Credentials → Webhooks.";
  }
  switch (issue) {
    case 'ORDER_NOT_APPROVED':
      return 'The buyer has not approved the order yet: it is captured on their return or on CHECKOUT.ORDER.APPROVED.';
    case 'ORDER_ALREADY_CAPTURED':
      return 'The order was already captured; read the capture from the order instead of capturing again.';
    case 'SUBSCRIPTION_STATUS_INVALID':
      return 'The subscription is not ACTIVE or SUSPENDED (it was already cancelled or expired), so there is nothing to change.';
    case 'DECIMAL_PRECISION':
    case 'CURRENCY_NOT_SUPPORTED':
      return "PayPal does not accept this amount or currency for the account: check the plan's price and currency.";
    case 'INVALID_DATE_RANGE':
      return 'PayPal searches at most 31 days at a time; Usher splits longer ranges, so this points to a clock problem.';
    default:
      return undefined;
  }
}

/** Turns a failed PayPal REST call into a PayPalError; other errors pass through. */
export function explainPayPalError(error: unknown, resource: PayPalResource, what: string): unknown {
  if (!(error instanceof IntegrationError) || error instanceof PayPalError) return error;
  if (error.status === undefined) return error;
  const parsed = parsePayPalErrorBody(error.body);
  const issue = parsed.details.find((d) => d.issue)?.issue ?? parsed.name;
  const said = parsed.details.find((d) => d.description)?.description ?? parsed.message;
  const label = [parsed.name, issue !== parsed.name ? issue : undefined].filter(Boolean).join(' / ');
  const message = `PayPal refused ${what} (${error.status}${label ? ` ${label}` : ''})${said ? `: ${said}` : ''}${parsed.debugId ? ` [debug_id ${parsed.debugId}]` : ''}`;
  const fix = fixFor(parsed.name, issue, resource, error.status) ?? error.fix;
  return new PayPalError(error.kind, message, error.retryable, parsed.name, parsed.debugId, parsed.details, {
    status: error.status,
    ...(error.body !== undefined ? { body: error.body } : {}),
    ...(fix ? { fix } : {}),
    cause: `paypal_${(issue ?? `http_${error.status}`).toLowerCase()}`,
  });
}

/** An NVP `ACK=Failure` (or an unexpected warning) as a PayPalError. */
export function nvpError(
  code: string | undefined,
  short: string | undefined,
  long: string | undefined,
  correlationId: string | undefined,
): PayPalError {
  // 10002 is PayPal's "Security header is not valid" (bad credentials); 10001 an internal error worth a retry.
  const credentials = code === '10002';
  const fix = credentials
    ? `Wrong API username, password or signature for this mode (PayPal → Account settings → API access → NVP/SOAP credentials). ${MODE_HINT}`
    : 'Check the PayPal API credentials and try again later.';
  return new PayPalError(
    credentials ? 'unauthorized' : 'rejected',
    `PayPal NVP TransactionSearch failed (${code ?? '?'} ${short ?? ''}): ${long ?? 'no message'}${correlationId ? ` [correlation id ${correlationId}]` : ''}`,
    code === '10001',
    code,
    correlationId,
    [{ ...(code ? { issue: code } : {}), ...(long ? { description: long } : {}) }],
    { fix, cause: `paypal_nvp_${code ?? 'unknown'}` },
  );
}
