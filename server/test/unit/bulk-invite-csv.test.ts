import { describe, expect, it } from 'vitest';
import { checkInviteRow, MAX_ROWS, parseCsv, readInviteSheet, rowPeriod } from '../../src/modules/members/bulk-invite.csv.js';

const cells = (text: string) => {
  const r = parseCsv(text);
  if (!r.ok) throw new Error(r.message);
  return r.records.map((x) => x.cells);
};

describe('parseCsv', () => {
  it('reads plain, quoted and escaped values', () => {
    expect(cells('a,b,c\n1,"two, with comma","say ""hi"""\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'two, with comma', 'say "hi"'],
    ]);
  });

  it('strips a BOM and accepts CRLF, LF and CR line ends, with or without a final newline', () => {
    expect(cells('\uFEFFa,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(cells('a,b\r1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(cells('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps line breaks inside quotes and numbers records by the line they start on', () => {
    const r = parseCsv('h\n"multi\r\nline"\nlast\n');
    expect(r).toEqual({
      ok: true,
      records: [
        { line: 1, cells: ['h'] },
        { line: 2, cells: ['multi\r\nline'] },
        { line: 4, cells: ['last'] },
      ],
    });
  });

  it('skips blank lines and rows of empty cells, but keeps an explicitly quoted empty value and empty cells', () => {
    expect(cells('a,b\n\n,\n"",\n1,\n')).toEqual([
      ['a', 'b'],
      ['', ''],
      ['1', ''],
    ]);
  });

  it('refuses an unterminated quote, a stray quote and text after a closing quote, naming the line', () => {
    expect(parseCsv('a\n"open\n')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a\nb"c\n')).toMatchObject({ ok: false, line: 2, message: expect.stringContaining('quote inside an unquoted value') });
    expect(parseCsv('a\n"b"c\n')).toMatchObject({ ok: false, line: 2, message: expect.stringContaining('after a closing quote') });
  });
});

describe('readInviteSheet', () => {
  it('maps headers case- and space-insensitively and numbers rows by file line', () => {
    const r = readInviteSheet('Email, Plan ,Send Notification\nA@x.io,Monthly,no\n');
    expect(r).toMatchObject({
      ok: true,
      rows: [{ row: 2, fields: { email: 'A@x.io', plan: 'Monthly', send_notification: 'no', username: '' } }],
    });
  });

  it.each([
    ['', 'csv_empty'],
    ['email,plan\n', 'csv_empty'],
    ['email,colour\nx@y.z,red\n', 'csv_unknown_column'],
    ['email,email\nx@y.z,x@y.z\n', 'csv_duplicate_column'],
    ['plan,notes\nMonthly,x\n', 'csv_missing_column'],
    ['email\nx@y.z,extra\n', 'csv_malformed'],
    ['email\n"x@y.z\n', 'csv_malformed'],
    ['email\n' + 'x@y.z\n'.repeat(MAX_ROWS + 1), 'csv_too_many_rows'],
    ['email\n' + 'x'.repeat(1_000_001), 'csv_too_large'],
  ])('refuses a badly shaped file (%#: %s)', (text, code) => {
    expect(readInviteSheet(text)).toMatchObject({ ok: false, code });
  });
});

describe('checkInviteRow', () => {
  const ctx = { currency: 'EUR', timeZone: 'Europe/Paris' };
  const row = (fields: Record<string, string>) => {
    const sheet = readInviteSheet(
      `${Object.keys(fields).join(',')}\n${Object.values(fields)
        .map((v) => `"${v.replace(/"/g, '""')}"`)
        .join(',')}\n`,
    );
    if (!sheet.ok) throw new Error(sheet.message);
    return checkInviteRow(sheet.rows[0]!, ctx);
  };

  it('reads a complete row: dates at local midnight, amount in minor units, lower-cased emails', () => {
    const r = row({
      email: 'Ann@Example.com',
      username: 'ann',
      plan: 'Monthly',
      server: 'Plex 1',
      start: '2026-01-01',
      end: '2026-02-01',
      amount: '12.5',
      transaction_id: 'T1',
      payer_email: 'Pay@Example.com',
      notes: 'hi',
      send_notification: 'No',
    });
    expect(r).toEqual({
      ok: true,
      value: {
        row: 2,
        email: 'ann@example.com',
        username: 'ann',
        plan: 'Monthly',
        server: 'Plex 1',
        from: new Date('2025-12-31T23:00:00.000Z'),
        to: new Date('2026-01-31T23:00:00.000Z'),
        months: null,
        amountMinor: 1250,
        transactionId: 'T1',
        payerEmail: 'pay@example.com',
        notes: 'hi',
        sendNotification: false,
      },
    });
  });

  it('leaves blanks to the defaults (now, the plan duration, the plan cost, notify when there is an email)', () => {
    expect(row({ username: 'bob', plan: 'Monthly' })).toMatchObject({
      ok: true,
      value: { email: null, from: null, to: null, months: null, amountMinor: null, sendNotification: false },
    });
    expect(row({ email: 'bob@example.com', plan: 'Monthly' })).toMatchObject({ ok: true, value: { sendNotification: true } });
    expect(row({ username: 'bob', send_notification: 'yes' })).toMatchObject({ ok: true, value: { sendNotification: true } });
  });

  it.each([
    [{ email: '', username: '' }, 'missing_identity'],
    [{ email: 'not-an-email' }, 'bad_email'],
    [{ email: 'a@b.c', payer_email: 'nope' }, 'bad_email'],
    [{ email: 'a@b.c', start: '2026-02-30' }, 'bad_date'],
    [{ email: 'a@b.c', end: '01/02/2026' }, 'bad_date'],
    [{ email: 'a@b.c', start: '2026-01-01T10:00:00' }, 'bad_date'],
    [{ email: 'a@b.c', start: '2026-02-01', end: '2026-01-01' }, 'bad_period'],
    [{ email: 'a@b.c', months: '0' }, 'bad_period'],
    [{ email: 'a@b.c', months: '2', end: '2027-01-01' }, 'bad_period'],
    [{ email: 'a@b.c', amount: '€10' }, 'bad_amount'],
    [{ email: 'a@b.c', amount: '1,000' }, 'bad_amount'],
    [{ email: 'a@b.c', amount: '1.234' }, 'bad_amount'],
    [{ email: 'a@b.c', amount: '-5' }, 'bad_amount'],
    [{ email: 'a@b.c', send_notification: 'maybe' }, 'bad_flag'],
    [{ email: 'a@b.c', notes: 'x'.repeat(4001) }, 'value_too_long'],
  ])('reports a bad row (%#) with a stable code', (fields, code) => {
    expect(row({ plan: 'Monthly', ...fields })).toMatchObject({ ok: false, code, message: expect.any(String) });
  });

  it('computes the period from months in the site time zone, keeping the wall-clock time across DST', () => {
    const r = row({ email: 'a@b.c', plan: 'Monthly', start: '2026-03-01', months: '1' });
    if (!r.ok) throw new Error(r.message);
    const { from, to } = rowPeriod(r.value, new Date('2026-01-01T00:00:00Z'), ctx.timeZone);
    expect(from.toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(to?.toISOString()).toBe('2026-03-31T22:00:00.000Z');
    const noDates = row({ email: 'a@b.c', plan: 'Monthly' });
    if (!noDates.ok) throw new Error(noDates.message);
    expect(rowPeriod(noDates.value, new Date('2026-01-01T00:00:00Z'), ctx.timeZone)).toEqual({
      from: new Date('2026-01-01T00:00:00Z'),
      to: null,
    });
  });
});
