import type { CsvValue, DataTableColumn, DataTablePage, DataTableQuery } from './types';

export const EXPORT_PAGE_SIZE = 100;
export const DEFAULT_EXPORT_CAP = 10_000;

// Spreadsheet apps run cells that start with these as formulas; a leading quote keeps them text.
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function plain<T>(column: DataTableColumn<T>, row: T): CsvValue {
  if (column.value) return column.value(row);
  const raw = (row as Record<string, unknown>)[column.key];
  if (raw === null || raw === undefined || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
  return JSON.stringify(raw);
}

export function toCsv<T>(columns: DataTableColumn<T>[], rows: T[]): string {
  const exported = columns.filter((c) => !c.noExport);
  const lines = [exported.map((c) => cell(c.header)).join(',')];
  for (const row of rows) lines.push(exported.map((c) => cell(plain(c, row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function cellText<T>(column: DataTableColumn<T>, row: T): string {
  const value = plain(column, row);
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

/** Walks every page of the current query (largest page size) until the total or the cap is reached. */
export async function fetchAllRows<T>(
  fetchPage: (query: DataTableQuery) => Promise<DataTablePage<T>>,
  query: Omit<DataTableQuery, 'page' | 'pageSize'>,
  cap = DEFAULT_EXPORT_CAP,
): Promise<{ rows: T[]; total: number; truncated: boolean }> {
  const rows: T[] = [];
  let total = 0;
  for (let page = 1; rows.length < cap; page++) {
    const result = await fetchPage({ ...query, page, pageSize: EXPORT_PAGE_SIZE });
    total = result.total;
    rows.push(...result.items);
    if (result.items.length < EXPORT_PAGE_SIZE || rows.length >= total) break;
  }
  return { rows: rows.slice(0, cap), total, truncated: total > cap };
}

export function downloadFile(fileName: string, content: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
