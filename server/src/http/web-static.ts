import type { FastifyStaticOptions } from '@fastify/static';
import { join, sep } from 'node:path';

/** Hashed file names change with their content, so a browser may keep them for good. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html, the icon, the manifest) is checked with the server on every use. */
export const REVALIDATE = 'no-cache';

/**
 * How the built web app is served: the Brotli and gzip copies written at build time
 * (web/scripts/precompress.mjs) when the browser accepts them, hashed assets cached for a year,
 * and index.html revalidated so a new release reaches every browser on its next load.
 */
export function webStaticOptions(root: string): FastifyStaticOptions {
  const assets = join(root, 'assets') + sep;
  return {
    root,
    wildcard: false,
    index: ['index.html'],
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      void reply.header('cache-control', path.startsWith(assets) ? IMMUTABLE : REVALIDATE);
    },
  };
}
