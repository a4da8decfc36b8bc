import { HttpClient } from '../../http/http-client.js';
import { fromPayPalValue } from './paypal-amounts.js';
import { nvpError, PAYPAL_SERVICE } from './paypal-errors.js';
import { badShape, parseTime } from './paypal-parse.js';
import type { PayPalMode, PayPalTransaction } from './paypal-types.js';

export const PAYPAL_NVP_URLS: Readonly<Record<PayPalMode, string>> = {
  live: 'https://api-3t.paypal.com/nvp',
  sandbox: 'https://api-3t.sandbox.paypal.com/nvp',
};

/** `PAYPAL_NVP_URL` when set (tests, the demo), else PayPal's NVP endpoint for the mode. */
export function paypalNvpUrl(mode: PayPalMode, env: { PAYPAL_NVP_URL?: string | undefined }): string {
  return env.PAYPAL_NVP_URL ?? PAYPAL_NVP_URLS[mode];
}

export interface PayPalNvpOptions {
  mode: PayPalMode;
  username: string;
  password: string;
  signature: string;
  nvpUrl?: string;
  timeoutMs?: number;
  retries?: number;
  /** Smallest range still split on warning 11002; below it the truncated answer is an error. */
  minSplitMs?: number;
}

export interface NvpSearchInput {
  from: Date;
  to: Date;
  /** PROFILEID: one subscription's payments. */
  profileId?: string;
  email?: string;
  transactionId?: string;
}

/** The API version NVP integrations send for TransactionSearch (integrations.md §4). */
const NVP_VERSION = '204';
const TRUNCATED = '11002';

export function decodeNvp(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text.trim()));
}

/** Indexed `L_<FIELD>n` rows, n from 0 until the first index with none of the fields. */
export function nvpRows(fields: Record<string, string>, names: readonly string[]): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (let n = 0; ; n++) {
    const row: Record<string, string> = {};
    for (const name of names) {
      const v = fields[`L_${name}${n}`];
      if (v !== undefined) row[name] = v;
    }
    if (Object.keys(row).length === 0) return rows;
    rows.push(row);
  }
}

const ROW_FIELDS = [
  'TIMESTAMP',
  'TIMEZONE',
  'TYPE',
  'EMAIL',
  'NAME',
  'TRANSACTIONID',
  'STATUS',
  'AMT',
  'CURRENCYCODE',
  'FEEAMT',
  'NETAMT',
] as const;
const ERROR_FIELDS = ['ERRORCODE', 'SHORTMESSAGE', 'LONGMESSAGE', 'SEVERITYCODE'] as const;

/**
 * Classic NVP `TransactionSearch` for accounts with API signature credentials: preferred for sync
 * because it has no reporting delay (reference §2.5.4). Form body of USER/PWD/SIGNATURE/VERSION/
 * METHOD; URL-encoded answer with indexed L_ rows (as angelleye/paypal-php-library and the Node
 * `nvp-json` users parse it). At most 100 rows: past that PayPal answers SuccessWithWarning 11002
 * and the range is halved and both halves searched again.
 */
export class PayPalNvpClient {
  private readonly http: HttpClient;

  constructor(private readonly options: PayPalNvpOptions) {
    this.http = new HttpClient({
      service: PAYPAL_SERVICE,
      baseUrl: options.nvpUrl ?? PAYPAL_NVP_URLS[options.mode],
      timeoutMs: options.timeoutMs ?? 30_000,
      retries: options.retries ?? 2,
    });
  }

  async transactionSearch(input: NvpSearchInput): Promise<PayPalTransaction[]> {
    const seen = new Map<string, PayPalTransaction>();
    await this.searchRange(input, input.from.getTime(), input.to.getTime(), seen);
    return [...seen.values()].sort((a, b) => a.time.getTime() - b.time.getTime());
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async searchRange(input: NvpSearchInput, fromMs: number, toMs: number, seen: Map<string, PayPalTransaction>): Promise<void> {
    const fields = await this.call({
      METHOD: 'TransactionSearch',
      STARTDATE: iso(fromMs),
      ENDDATE: iso(toMs),
      ...(input.profileId ? { PROFILEID: input.profileId } : {}),
      ...(input.email ? { EMAIL: input.email } : {}),
      ...(input.transactionId ? { TRANSACTIONID: input.transactionId } : {}),
    });
    const errors = nvpRows(fields, ERROR_FIELDS);
    const ack = fields.ACK ?? '';
    if (ack === 'SuccessWithWarning' && errors.some((e) => e.ERRORCODE === TRUNCATED)) {
      const minSplit = this.options.minSplitMs ?? 1000;
      if (toMs - fromMs <= minSplit) {
        throw nvpError(
          TRUNCATED,
          'Search warning',
          `More than 100 transactions between ${iso(fromMs)} and ${iso(toMs)}; the range cannot be narrowed further.`,
          fields.CORRELATIONID,
        );
      }
      const mid = fromMs + Math.floor((toMs - fromMs) / 2);
      await this.searchRange(input, fromMs, mid, seen);
      await this.searchRange(input, mid, toMs, seen);
      return;
    }
    if (ack !== 'Success' && ack !== 'SuccessWithWarning') {
      const e = errors[0] ?? {};
      throw nvpError(e.ERRORCODE, e.SHORTMESSAGE, e.LONGMESSAGE, fields.CORRELATIONID);
    }
    for (const row of nvpRows(fields, ROW_FIELDS)) {
      const t = rowToTransaction(row);
      if (t && !seen.has(t.id)) seen.set(t.id, t);
    }
  }

  private async call(params: Record<string, string>): Promise<Record<string, string>> {
    const { username, password, signature } = this.options;
    const res = await this.http.request({
      method: 'POST',
      path: '',
      form: { USER: username, PWD: password, SIGNATURE: signature, VERSION: NVP_VERSION, ...params },
      // A search changes nothing, so repeating it after a dropped connection is safe.
      idempotent: true,
    });
    const fields = decodeNvp(res.text);
    if (!fields.ACK) throw badShape('the NVP call (no ACK)');
    return fields;
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A row without an id or amount (PayPal lists some holds that way) is skipped, not guessed at. */
function rowToTransaction(row: Record<string, string>): PayPalTransaction | null {
  const time = parseTime(row.TIMESTAMP);
  const currency = row.CURRENCYCODE;
  if (!row.TRANSACTIONID || !time || !currency || row.AMT === undefined) return null;
  let gross: number;
  let fee: number | null;
  try {
    gross = fromPayPalValue(row.AMT, currency);
    fee = row.FEEAMT !== undefined ? Math.abs(fromPayPalValue(row.FEEAMT, currency)) : null;
  } catch (error) {
    throw badShape(`NVP transaction ${row.TRANSACTIONID} (${(error as Error).message})`);
  }
  return {
    id: row.TRANSACTIONID,
    time,
    status: row.STATUS ?? '',
    gross: { minor: gross, currency: currency.toUpperCase() },
    fee: fee === null ? null : { minor: fee, currency: currency.toUpperCase() },
    payerEmail: row.EMAIL ?? null,
    payerName: row.NAME ?? null,
    referenceId: null,
    referenceType: null,
    eventCode: row.TYPE ?? null,
    invoiceId: null,
    customField: null,
  };
}
