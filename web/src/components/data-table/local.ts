import type { DataTablePage, DataTableQuery } from './types';

type SortValue = string | number | boolean | null | undefined;

/** "Server 2" before "Server 10", and case does not split the list. */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
export const naturalCompare = (a: string, b: string) => collator.compare(a, b);

/**
 * Pages, sorts and searches a list the API returns whole (roles, API keys, job schedules), so those
 * panels use the same table as the server-paged ones.
 */
export function pageLocally<T>(
  items: T[],
  query: DataTableQuery,
  options: { search?: (row: T) => string; sortBy?: Record<string, (row: T) => SortValue> } = {},
): DataTablePage<T> {
  const needle = query.q.trim().toLowerCase();
  let rows = needle && options.search ? items.filter((row) => options.search!(row).toLowerCase().includes(needle)) : [...items];
  const by = query.sort ? options.sortBy?.[query.sort] : undefined;
  if (by) {
    const direction = query.order === 'desc' ? -1 : 1;
    rows = rows.sort((a, b) => {
      const x = by(a);
      const y = by(b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (typeof x === 'string' && typeof y === 'string' ? naturalCompare(x, y) : x < y ? -1 : 1) * direction;
    });
  }
  const start = (query.page - 1) * query.pageSize;
  return { items: rows.slice(start, start + query.pageSize), total: rows.length };
}
