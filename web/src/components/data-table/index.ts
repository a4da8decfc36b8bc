export { DataTable, PAGE_SIZES, type DataTableProps } from './DataTable';
export { toCsv, fetchAllRows, EXPORT_PAGE_SIZE } from './csv';
export { pageLocally, naturalCompare } from './local';
export { deleteAction } from './actions';
export type { DataTableAction, DataTableColumn, DataTablePage, DataTableQuery, SortOrder } from './types';
