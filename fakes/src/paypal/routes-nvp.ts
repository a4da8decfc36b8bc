import { randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../core/fake-server.js';
import type { RestContext } from './routes-rest.js';
import { fromMinor, rfc3339, toMinor, type FakeTransaction } from './state.js';

/** `k=v&k=v` as NVP answers, each value percent-encoded. */
function nvp(fields: Record<string, string>): FakeResponse {
  const body = Object.entries(fields)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

function envelope(ack: string, now: Date): Record<string, string> {
  return { TIMESTAMP: rfc3339(now), CORRELATIONID: randomBytes(6).toString('hex'), ACK: ack, VERSION: '204', BUILD: '58807128' };
}

function failure(now: Date, code: string, short: string, long: string): FakeResponse {
  return nvp({ ...envelope('Failure', now), L_ERRORCODE0: code, L_SHORTMESSAGE0: short, L_LONGMESSAGE0: long, L_SEVERITYCODE0: 'Error' });
}

const parseDate = (v: string | undefined): number | null => {
  if (!v) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
};

/**
 * Classic NVP on `POST /nvp` (integrations.md §4): only TransactionSearch, over the same ledger the
 * Reporting API shows, newest first, cut at `nvpMaxRows` with warning 11002 as PayPal does at 100.
 * NVP answers HTTP 200 even for failures; the ACK says what happened.
 */
export function registerNvpRoutes(ctx: RestContext): void {
  const { http, state, settings } = ctx;
  http.route('POST', '/nvp', (req: FakeRequest) => {
    const now = state.now();
    const f = (req.body ?? {}) as Record<string, string>;
    if (f.USER !== state.nvp.user || f.PWD !== state.nvp.password || f.SIGNATURE !== state.nvp.signature) {
      return failure(now, '10002', 'Security error', 'Security header is not valid');
    }
    if (f.METHOD !== 'TransactionSearch') return failure(now, '81002', 'Unspecified Method', 'Method Specified is not Supported');
    const start = parseDate(f.STARTDATE);
    if (start === null) return failure(now, '10004', 'Invalid argument', 'Start date is a required parameter');
    const end = parseDate(f.ENDDATE) ?? now.getTime();
    const rows = state.transactions
      .filter((t) => {
        const at = Date.parse(t.time);
        return (
          at >= start &&
          at <= end &&
          (!f.PROFILEID || (t.kind === 'sale' && t.referenceId === f.PROFILEID)) &&
          (!f.EMAIL || t.payer.email_address.toLowerCase() === f.EMAIL.toLowerCase()) &&
          (!f.TRANSACTIONID || t.id === f.TRANSACTIONID)
        );
      })
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
    const truncated = rows.length > settings.nvpMaxRows;
    const fields = envelope(truncated ? 'SuccessWithWarning' : 'Success', now);
    if (truncated) {
      Object.assign(fields, {
        L_ERRORCODE0: '11002',
        L_SHORTMESSAGE0: 'Search warning',
        L_LONGMESSAGE0: 'The number of results were truncated. Please change your search parameters if you wish to see all your results.',
        L_SEVERITYCODE0: 'Warning',
      });
    }
    rows.slice(0, settings.nvpMaxRows).forEach((t, n) => Object.assign(fields, row(t, n)));
    return nvp(fields);
  });
}

function row(t: FakeTransaction, n: number): Record<string, string> {
  const c = t.amount.currency_code;
  const gross = toMinor(t.amount.value, c);
  const fee = toMinor(t.fee.value, c);
  return {
    [`L_TIMESTAMP${n}`]: t.time,
    [`L_TIMEZONE${n}`]: 'GMT',
    [`L_TYPE${n}`]: t.kind === 'sale' ? 'Recurring Payment' : 'Payment',
    [`L_EMAIL${n}`]: t.payer.email_address,
    [`L_NAME${n}`]: `${t.payer.name.given_name} ${t.payer.name.surname}`,
    [`L_TRANSACTIONID${n}`]: t.id,
    [`L_STATUS${n}`]: 'Completed',
    [`L_AMT${n}`]: t.amount.value,
    [`L_CURRENCYCODE${n}`]: c,
    [`L_FEEAMT${n}`]: fromMinor(-fee, c),
    [`L_NETAMT${n}`]: fromMinor(gross - fee, c),
  };
}
