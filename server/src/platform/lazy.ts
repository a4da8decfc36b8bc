import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Loads a CommonJS package on first use. Drivers and clients that only some installs need (the
 * PostgreSQL driver, SMTP, outbound HTTP, websockets, XML) stay out of memory until then, which
 * keeps an idle SQLite Usher small.
 */
export function lazy<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
