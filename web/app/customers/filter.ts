import { CUSTOMER_STATUSES, type CustomerStatus } from '../../../db/queries/customers';

export interface ListFilter {
  search?: string;
  status?: CustomerStatus;
}

/** `?q=&status=` as the list and the CSV export read them, so an export is exactly what the list showed. */
export function listFilter(url: URL): ListFilter {
  const search = url.searchParams.get('q')?.trim().slice(0, 100) || undefined;
  const status = url.searchParams.get('status');
  return { search, status: CUSTOMER_STATUSES.find((s) => s === status) };
}

/** The same filter as a query string, for links that must keep it (export, pages). */
export function filterQuery(f: ListFilter): string {
  const params = new URLSearchParams();
  if (f.search) params.set('q', f.search);
  if (f.status) params.set('status', f.status);
  const query = params.toString();
  return query ? `?${query}` : '';
}
