export { DataTable, PAGE_SIZES, type DataTableProps } from './DataTable';
export { toCsv, fetchAllRows, EXPORT_PAGE_SIZE } from './csv';
export { pageLocally } from './local';
export type { DataTableAction, DataTableColumn, DataTablePage, DataTableQuery, SortOrder } from './types';
