import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import type { SortOrder } from './types';

/**
 * A table's search, sort, page and page size live in the URL, so a reload, a shared link or the
 * back button shows the same rows. Two tables on one page use different prefixes.
 */
export interface TableUrlState {
  q: string;
  sort: { key: string; order: SortOrder } | undefined;
  page: number;
  pageSize: number;
}

export function useTableUrlState(prefix: string, defaults: { sort?: { key: string; order: SortOrder } | undefined; pageSize: number }) {
  const [params, setParams] = useSearchParams();
  const name = (key: string) => (prefix ? `${prefix}.${key}` : key);
  const rawSort = params.get(name('sort'));
  const sort = rawSort ? { key: rawSort.replace(/^-/, ''), order: (rawSort.startsWith('-') ? 'desc' : 'asc') as SortOrder } : defaults.sort;
  const page = Math.max(1, Number.parseInt(params.get(name('page')) ?? '1', 10) || 1);
  const size = Number.parseInt(params.get(name('size')) ?? '', 10);
  const state: TableUrlState = { q: params.get(name('q')) ?? '', sort, page, pageSize: Number.isFinite(size) && size > 0 ? size : defaults.pageSize };

  const update = useCallback(
    (changes: Partial<TableUrlState>, options: { replace?: boolean } = {}) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          const put = (key: string, value: string | null) => (value === null ? next.delete(name(key)) : next.set(name(key), value));
          if (changes.q !== undefined) put('q', changes.q || null);
          if (changes.sort !== undefined) put('sort', changes.sort ? `${changes.sort.order === 'desc' ? '-' : ''}${changes.sort.key}` : null);
          if (changes.pageSize !== undefined) put('size', changes.pageSize === defaults.pageSize ? null : String(changes.pageSize));
          // Anything but a page change starts again at page 1.
          if (changes.page !== undefined) put('page', changes.page > 1 ? String(changes.page) : null);
          else put('page', null);
          return next;
        },
        { replace: options.replace ?? false },
      );
    },
    [setParams, prefix, defaults.pageSize],
  );
  return [state, update] as const;
}

/** One page filter kept in the URL (e.g. the audit log's actor), with page 1 on change. */
export function useUrlFilter(key: string, fallback = ''): [string, (value: string | null) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(key) ?? fallback;
  const set = useCallback(
    (next: string | null) =>
      setParams(
        (current) => {
          const out = new URLSearchParams(current);
          if (next === null || next === '' || next === fallback) out.delete(key);
          else out.set(key, next);
          for (const k of [...out.keys()]) if (k === 'page' || k.endsWith('.page')) out.delete(k);
          return out;
        },
        { replace: true },
      ),
    [key, fallback, setParams],
  );
  return [value, set];
}
