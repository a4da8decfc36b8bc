import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { CONTRACTS_DIR } from './openapi.js';

type Schema = Record<string, unknown>;

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/**
 * The community OpenAPI 3.1 document of Plex Media Server (LukeHagar/plex-api-spec) as JSON-Schema
 * validators. 3.1 schemas are JSON Schema 2020-12, so Ajv2020 takes them as they are; only the
 * OpenAPI-only keywords (`example`, `x-speakeasy-*`, `discriminator`) are ignored (strict off).
 */
export class PlexContract {
  private readonly doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Schema } };
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor() {
    this.doc = parse(readFileSync(resolve(CONTRACTS_DIR, 'plex-media-server.openapi.yaml'), 'utf8')) as PlexContract['doc'];
    for (const f of ['int32', 'int64']) this.ajv.addFormat(f, { type: 'number', validate: (n: number) => Number.isInteger(n) });
    for (const f of ['float', 'double']) this.ajv.addFormat(f, { type: 'number', validate: () => true });
    this.ajv.addFormat('date-time', (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v));
    this.ajv.addFormat('email', /^[^@\s]+@[^@\s]+\.[^@\s]+$/);
    this.ajv.addFormat('uri', (v: string) => URL.canParse(v));
    this.ajv.addFormat('binary', () => true);
    this.ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
    this.ajv.addSchema({ $id: 'plex', components: { schemas: this.doc.components.schemas } });
  }

  responseSchema(path: string, method: string, status: number): unknown {
    return this.doc.paths[path]?.[method]?.responses?.[String(status)]?.content?.['application/json']?.schema;
  }

  /** Throws with the violations when `body` is not what the document says `method path` answers. */
  validateResponse(path: string, method: 'get' | 'post', body: unknown, status = 200): void {
    const key = `${method} ${path} ${status}`;
    let fn = this.cache.get(key);
    if (!fn) {
      const schema = this.responseSchema(path, method, status);
      if (schema === undefined) throw new Error(`the Plex document has no JSON ${status} answer for ${method.toUpperCase()} ${path}`);
      fn = this.ajv.compile(rebase(schema));
      this.cache.set(key, fn);
    }
    this.check(fn, key, body);
  }

  validateComponent(name: string, body: unknown): void {
    const key = `component ${name}`;
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `plex#/components/schemas/${name}` });
      this.cache.set(key, fn);
    }
    this.check(fn, key, body);
  }

  private check(fn: ValidateFunction, what: string, body: unknown): void {
    if (fn(body)) return;
    const errors = (fn.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    throw new Error(`${what} does not match the Plex contract:\n  ${errors.join('\n  ')}`);
  }
}

/** Response schemas reference `#/components/…` of the document; point them at the registered copy. */
function rebase(schema: unknown): Schema {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"plex#/components/')) as Schema;
}
