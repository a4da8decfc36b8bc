import type { ReactNode } from 'react';

export type SortOrder = 'asc' | 'desc';

/** What a table asks its data source for: always one page, sorted and searched on the server. */
export interface DataTableQuery {
  page: number;
  pageSize: number;
  sort?: string;
  order: SortOrder;
  q: string;
}

export interface DataTablePage<T> {
  items: T[];
  total: number;
}

export type CsvValue = string | number | boolean | null | undefined;

export interface DataTableColumn<T> {
  /** Also the sort key sent to the server when `sortable`. */
  key: string;
  header: string;
  render?: (row: T) => ReactNode;
  /** Plain value for the CSV export (and the cell, when there is no `render`). */
  value?: (row: T) => CsvValue;
  sortable?: boolean;
  /** Leave the column out of the CSV export. */
  noExport?: boolean;
  /** Hide below this breakpoint, so phones keep the essential columns. */
  visibleFrom?: 'xs' | 'sm' | 'md' | 'lg';
  width?: number | string;
}

export interface DataTableAction {
  label: string;
  icon?: ReactNode;
  color?: string;
  disabled?: boolean;
  onClick: () => void;
}
