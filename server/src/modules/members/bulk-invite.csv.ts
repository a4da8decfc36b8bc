import { addCalendarMonths, startOfLocalDate } from '../../domain/calendar.js';
import { parseMajor } from '../../domain/money.js';

/*
 * The bulk-invite file: parsing and the checks that need nothing but the text (issue 8 point 5).
 * Checks that need the database (plan, server, existing member, transaction id) are the service's.
 * No CSV dependency is in the tree, and the subset needed (RFC 4180 plus BOM and bare LF/CR) is small.
 */

/** The largest file accepted: a few thousand rows, well inside one request body. */
export const MAX_CSV_CHARS = 1_000_000;
export const MAX_ROWS = 5000;

export interface CsvRecord {
  /** 1-based line where the record starts, as a spreadsheet or editor shows it. */
  line: number;
  cells: string[];
}

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number; message: string };

/** RFC 4180 records; blank lines are skipped, since spreadsheets often leave them at the end. */
export function parseCsv(input: string): CsvResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  // Whether the current cell began with a quote (then only a delimiter may follow the closing quote).
  let wasQuoted = false;
  let wasQuotedRecord = false;
  const endCell = () => {
    cells.push(cell);
    cell = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endCell();
    // A line of empty cells (",,,") is what spreadsheets leave below the data: skipped like a blank line.
    if (wasQuotedRecord || cells.some((c) => c !== '')) records.push({ line: recordLine, cells });
    cells = [];
    wasQuotedRecord = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (cell !== '' || wasQuoted)
        return {
          ok: false,
          line,
          message: `Line ${line}: a quote inside an unquoted value; put the whole value in quotes and double the quote ("").`,
        };
      quoted = true;
      wasQuoted = true;
      wasQuotedRecord = true;
    } else if (ch === ',') {
      endCell();
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (wasQuoted)
        return {
          ok: false,
          line,
          message: `Line ${line}: text after a closing quote; a quoted value must end at a comma or the end of the line.`,
        };
      cell += ch;
    }
  }
  if (quoted) return { ok: false, line: recordLine, message: `Line ${recordLine}: a quoted value is never closed.` };
  if (cell !== '' || cells.length > 0 || wasQuoted) endRecord();
  return { ok: true, records };
}

export const INVITE_COLUMNS = [
  'email',
  'username',
  'plan',
  'server',
  'start',
  'end',
  'months',
  'amount',
  'transaction_id',
  'payer_email',
  'notes',
  'send_notification',
] as const;
export type InviteColumn = (typeof INVITE_COLUMNS)[number];

export interface SheetRow {
  /** The file line the row starts on (the header is line 1). */
  row: number;
  fields: Record<InviteColumn, string>;
}

export type SheetResult = { ok: true; rows: SheetRow[] } | { ok: false; code: string; message: string };

const normalise = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** The file as rows keyed by column; refuses the whole file when its shape is wrong. */
export function readInviteSheet(text: string): SheetResult {
  if (text.length > MAX_CSV_CHARS)
    return {
      ok: false,
      code: 'csv_too_large',
      message: `The file is larger than ${MAX_CSV_CHARS / 1_000_000} MB; split it into smaller files.`,
    };
  const parsed = parseCsv(text);
  if (!parsed.ok) return { ok: false, code: 'csv_malformed', message: parsed.message };
  const [header, ...records] = parsed.records;
  if (!header) return { ok: false, code: 'csv_empty', message: 'The file is empty; it needs a header row and one row per member.' };
  const columns = header.cells.map(normalise);
  const unknown = columns.filter((c) => !(INVITE_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0)
    return {
      ok: false,
      code: 'csv_unknown_column',
      message: `Unknown column${unknown.length === 1 ? '' : 's'} ${unknown.map((c) => `"${c}"`).join(', ')}. The columns are: ${INVITE_COLUMNS.join(', ')}.`,
    };
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (repeated.length > 0)
    return { ok: false, code: 'csv_duplicate_column', message: `The column "${repeated[0]}" appears twice in the header.` };
  if (!columns.includes('email') && !columns.includes('username'))
    return { ok: false, code: 'csv_missing_column', message: 'The header needs an email or a username column (or both).' };
  if (records.length === 0) return { ok: false, code: 'csv_empty', message: 'The file has a header but no member rows.' };
  if (records.length > MAX_ROWS)
    return {
      ok: false,
      code: 'csv_too_many_rows',
      message: `The file has ${records.length} rows; at most ${MAX_ROWS} are accepted at once.`,
    };
  const wide = records.find((r) => r.cells.length > columns.length);
  if (wide)
    return {
      ok: false,
      code: 'csv_malformed',
      message: `Line ${wide.line} has ${wide.cells.length} values but the header has ${columns.length} columns.`,
    };
  const rows = records.map((r) => {
    const fields = Object.fromEntries(INVITE_COLUMNS.map((c) => [c, ''])) as Record<InviteColumn, string>;
    columns.forEach((c, i) => (fields[c as InviteColumn] = (r.cells[i] ?? '').trim()));
    return { row: r.line, fields };
  });
  return { ok: true, rows };
}

/** A row whose text is valid; names of plans and servers are still to be looked up. */
export interface InviteRow {
  row: number;
  email: string | null;
  username: string | null;
  plan: string;
  server: string | null;
  /** null: the payment starts when the row is applied. */
  from: Date | null;
  /** null: one plan duration after `from` (or `months` calendar months). */
  to: Date | null;
  months: number | null;
  /** null: the plan's cost. */
  amountMinor: number | null;
  transactionId: string | null;
  payerEmail: string | null;
  notes: string | null;
  sendNotification: boolean;
}

export interface RowProblem {
  code: string;
  message: string;
}

const EMAIL = /^[^\s@"<>,;]+@[^\s@"<>,;]+\.[^\s@"<>,;]+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const YES = new Set(['', 'yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0']);

/** A date alone is midnight in the site time zone; a date and time must say its offset. */
export function parseDate(text: string, timeZone: string): Date | null {
  const d = DATE.exec(text);
  if (d) {
    const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
    return startOfLocalDate(year, month, day, timeZone);
  }
  if (!DATE_TIME.test(text)) return null;
  const t = new Date(text);
  return Number.isNaN(t.getTime()) ? null : t;
}

const tooLong = (field: string, max: number): RowProblem => ({
  code: 'value_too_long',
  message: `The ${field} is longer than ${max} characters.`,
});

/** Checks one row's text; the first problem found is reported, in column order. */
export function checkInviteRow(
  sheet: SheetRow,
  ctx: { currency: string; timeZone: string },
): { ok: true; value: InviteRow } | ({ ok: false } & RowProblem) {
  const f = sheet.fields;
  const fail = (p: RowProblem) => ({ ok: false as const, ...p });
  const email = f.email.toLowerCase() || null;
  const username = f.username || null;
  if (!email && !username) return fail({ code: 'missing_identity', message: 'The row has neither an email nor a username.' });
  if (email && (email.length > 320 || !EMAIL.test(email)))
    return fail({ code: 'bad_email', message: `"${f.email}" is not an email address.` });
  if (username && username.length > 100) return fail(tooLong('username', 100));
  if (f.plan.length > 200) return fail(tooLong('plan', 200));
  if (f.server.length > 200) return fail(tooLong('server', 200));
  const from = f.start ? parseDate(f.start, ctx.timeZone) : null;
  if (f.start && !from)
    return fail({
      code: 'bad_date',
      message: `The start "${f.start}" is not a date (YYYY-MM-DD, or an ISO date and time with its offset).`,
    });
  const to = f.end ? parseDate(f.end, ctx.timeZone) : null;
  if (f.end && !to)
    return fail({ code: 'bad_date', message: `The end "${f.end}" is not a date (YYYY-MM-DD, or an ISO date and time with its offset).` });
  let months: number | null = null;
  if (f.months) {
    if (!/^\d{1,3}$/.test(f.months) || Number(f.months) < 1 || Number(f.months) > 120)
      return fail({ code: 'bad_period', message: `The months "${f.months}" is not a whole number from 1 to 120.` });
    if (to) return fail({ code: 'bad_period', message: 'Give either an end date or a number of months, not both.' });
    months = Number(f.months);
  }
  if (from && to && to.getTime() <= from.getTime())
    return fail({ code: 'bad_period', message: 'The end date must be after the start date.' });
  let amountMinor: number | null = null;
  if (f.amount) {
    amountMinor = parseMajor(f.amount, ctx.currency);
    if (amountMinor === null)
      return fail({
        code: 'bad_amount',
        message: `The amount "${f.amount}" is not a plain amount in ${ctx.currency} (digits and a decimal point, no currency sign or thousands separator).`,
      });
  }
  if (f.transaction_id.length > 200) return fail(tooLong('transaction id', 200));
  const payerEmail = f.payer_email.toLowerCase() || null;
  if (payerEmail && (payerEmail.length > 320 || !EMAIL.test(payerEmail)))
    return fail({ code: 'bad_email', message: `The payer email "${f.payer_email}" is not an email address.` });
  if (f.notes.length > 4000) return fail(tooLong('notes', 4000));
  const flag = f.send_notification.toLowerCase();
  if (!YES.has(flag) && !NO.has(flag))
    return fail({ code: 'bad_flag', message: `send_notification is "${f.send_notification}"; use yes or no.` });
  return {
    ok: true,
    value: {
      row: sheet.row,
      email,
      username,
      plan: f.plan,
      server: f.server || null,
      from,
      to,
      months,
      amountMinor,
      transactionId: f.transaction_id || null,
      payerEmail,
      notes: f.notes || null,
      // Blank: email the invite when there is an address to email; "yes" without one is refused like the dialog refuses it.
      sendNotification: flag === '' ? !!email : YES.has(flag),
    },
  };
}

/** The payment period of a row applied at `now`: explicit dates, N months, or the plan's duration (null end). */
export function rowPeriod(row: InviteRow, now: Date, timeZone: string): { from: Date; to: Date | null } {
  const from = row.from ?? now;
  if (row.to) return { from, to: row.to };
  if (row.months) return { from, to: addCalendarMonths(from, row.months, timeZone) };
  return { from, to: null };
}
