import { z } from 'zod';

export const errorBodySchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  })
  .meta({ id: 'ErrorBody' });

/** Query of every server-side paged table: page (1-based), pageSize ≤ 100, sort, order, q. */
export function pageQuery<const S extends readonly [string, ...string[]]>(sorts: S, defaultSort: S[number]) {
  return z.object({
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(25),
    sort: z.enum(sorts).default(defaultSort as never),
    order: z.enum(['asc', 'desc']).default('asc'),
    q: z.string().trim().max(200).optional(),
  });
}

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}

export function offsetOf(query: { page: number; pageSize: number }) {
  return { offset: (query.page - 1) * query.pageSize, limit: query.pageSize };
}

export const okSchema = z.object({ ok: z.literal(true) });
export const idParams = z.object({ id: z.string().min(1).max(100) });

/**
 * For actions that take no input: no body (which Fastify hands over as null), `null` or `{}`;
 * anything else is a 400, not silently ignored.
 */
export const emptyBody = z.object({}).strict().nullish();
