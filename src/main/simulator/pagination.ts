/**
 * Opaque pagination tokens: the id of the last item of the previous page. A token that names
 * no item is a 400, like a stale or forged token on the real API.
 */
import { badRequest } from './errors';

export function readPageSize(query: URLSearchParams, fallback: number, max: number): number {
  const raw = query.get('pageSize');
  if (raw === null) return fallback;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > max) throw badRequest(`pageSize must be an integer between 1 and ${max}`, { field: 'pageSize' });
  return size;
}

export function paginate<T>(items: readonly T[], idOf: (item: T) => string, query: URLSearchParams, pageSize: number): { page: T[]; nextPaginationToken: string | undefined } {
  const token = query.get('paginationToken');
  let start = 0;
  if (token !== null && token !== '') {
    const lastId = Buffer.from(token, 'base64url').toString('utf8');
    const index = items.findIndex((item) => idOf(item) === lastId);
    if (index < 0) throw badRequest('paginationToken is invalid or expired', { field: 'paginationToken' });
    start = index + 1;
  }
  const page = items.slice(start, start + pageSize);
  const last = page.at(-1);
  const more = start + pageSize < items.length && last !== undefined;
  return { page, nextPaginationToken: more ? Buffer.from(idOf(last), 'utf8').toString('base64url') : undefined };
}
