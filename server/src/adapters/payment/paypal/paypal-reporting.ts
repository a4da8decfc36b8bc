import type { HttpRequest, HttpResponse } from '../../http/http-client.js';
import { badShape, reportingTransactionOf } from './paypal-parse.js';
import type { PayPalTransaction, ReportingPageWire } from './paypal-types.js';

export interface TransactionSearchInput {
  from: Date;
  to: Date;
  transactionId?: string;
  /** Reporting `transaction_status`: D, P, S or V. */
  status?: 'D' | 'P' | 'S' | 'V';
  pageSize?: number;
}

/** PayPal refuses a wider range (reporting_transactions_v1.json: "maximum supported range is 31 days"). */
export const REPORTING_WINDOW_MS = 31 * 24 * 60 * 60_000;
const MAX_PAGES_PER_WINDOW = 1000;

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** [from, to) cut into windows PayPal accepts; whole seconds, as its date parameters are. */
export function reportingWindows(from: Date, to: Date): { start: Date; end: Date }[] {
  const windows: { start: Date; end: Date }[] = [];
  let start = Math.floor(from.getTime() / 1000) * 1000;
  const last = Math.ceil(to.getTime() / 1000) * 1000;
  while (start < last) {
    const end = Math.min(start + REPORTING_WINDOW_MS, last);
    windows.push({ start: new Date(start), end: new Date(end) });
    start = end;
  }
  return windows;
}

/**
 * GET /v1/reporting/transactions, every window and every page (`page` from 1 to `total_pages`,
 * `page_size` up to 500), `fields=all` for the payer's email. Sync tools built on this API (and
 * PayPal's own docs) loop windows and pages the same way. A transaction on a window's edge can
 * come back twice; it is kept once.
 */
export async function searchReportingTransactions(
  call: (req: HttpRequest) => Promise<HttpResponse>,
  input: TransactionSearchInput,
): Promise<PayPalTransaction[]> {
  const seen = new Map<string, PayPalTransaction>();
  const pageSize = Math.min(Math.max(input.pageSize ?? 500, 1), 500);
  for (const window of reportingWindows(input.from, input.to)) {
    for (let page = 1; page <= MAX_PAGES_PER_WINDOW; page++) {
      const res = await call({
        method: 'GET',
        path: '/v1/reporting/transactions',
        query: {
          start_date: rfc3339(window.start),
          end_date: rfc3339(window.end),
          fields: 'all',
          page_size: pageSize,
          page,
          transaction_id: input.transactionId,
          transaction_status: input.status,
        },
      });
      const body = res.json<ReportingPageWire>();
      const details = body.transaction_details ?? [];
      if (!Array.isArray(details)) throw badShape('the transaction search');
      for (const d of details) {
        const t = reportingTransactionOf(d);
        if (!seen.has(t.id)) seen.set(t.id, t);
      }
      if (page >= (body.total_pages ?? 1) || details.length === 0) break;
    }
  }
  return [...seen.values()].sort((a, b) => a.time.getTime() - b.time.getTime());
}
