import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

type Schema = Record<string, unknown>;

/** `fakes/contracts`: the published API documents, copied into the repository (see its README). */
export const CONTRACTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../contracts');

const HEX32 = /^[0-9a-f]{32}$/i;
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * OpenAPI 3.0 → JSON Schema for Ajv: `nullable: true` becomes `anyOf [schema, null]` (the contracts
 * README), everything else is kept; unknown OpenAPI keywords are ignored (strict off).
 */
function translate(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(translate);
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    if (k === 'nullable' || k === 'discriminator' || k === 'example' || k === 'xml') continue;
    out[k] = k === 'properties' || k === 'mapping' ? Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, translate(s)])) : translate(v);
  }
  if ((node as Schema).nullable === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

export interface Contract {
  readonly name: string;
  /** The JSON schema of a documented response (path as in the document, e.g. `/Users/{userId}`). */
  hasResponse(path: string, method: string, status?: number): boolean;
  /** Validates a body against a documented response; throws listing the violations. */
  validateResponse(path: string, method: string, body: unknown, status?: number): void;
  /** Validates against a named component schema (for undocumented routes that return a documented type). */
  validateSchema(name: string, body: unknown): void;
}

export function loadContract(file: 'jellyfin.openapi.json' | 'emby.openapi.json'): Contract {
  const doc = JSON.parse(readFileSync(resolve(CONTRACTS_DIR, file), 'utf8')) as { paths: Record<string, Record<string, Schema>>; components: { schemas: Schema } };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  // Both servers write GUIDs as 32 hex digits though the documents say uuid/guid (contracts README).
  const guid = (v: string) => HEX32.test(v) || DASHED.test(v);
  ajv.addFormat('uuid', guid);
  ajv.addFormat('guid', guid);
  ajv.addFormat('date-time', (v: string) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}T/.test(v));
  ajv.addFormat('ipv4', /^(\d{1,3}\.){3}\d{1,3}$/);
  ajv.addFormat('time', /^\d{2}:\d{2}(:\d{2})?/);
  for (const f of ['int32', 'int64']) ajv.addFormat(f, { type: 'number', validate: (n: number) => Number.isInteger(n) });
  for (const f of ['float', 'double']) ajv.addFormat(f, { type: 'number', validate: () => true });
  ajv.addSchema({ $id: 'contract', components: { schemas: translate(doc.components.schemas) } });
  const cache = new Map<string, ValidateFunction>();

  const compile = (key: string, schema: unknown): ValidateFunction => {
    let fn = cache.get(key);
    if (!fn) {
      const rewritten = JSON.parse(JSON.stringify(translate(schema)).replace(/"#\/components\//g, '"contract#/components/')) as Schema;
      fn = ajv.compile(rewritten);
      cache.set(key, fn);
    }
    return fn;
  };
  const responseSchema = (path: string, method: string, status: number): unknown => {
    const op = doc.paths[path]?.[method.toLowerCase()] as { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> } | undefined;
    return op?.responses?.[String(status)]?.content?.['application/json']?.schema;
  };
  const check = (fn: ValidateFunction, what: string, body: unknown): void => {
    if (fn(body)) return;
    const errors = (fn.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    throw new Error(`${file}: ${what} does not match the contract:\n  ${errors.join('\n  ')}`);
  };

  return {
    name: file,
    hasResponse: (path, method, status = 200) => responseSchema(path, method, status) !== undefined,
    validateResponse(path, method, body, status = 200) {
      const schema = responseSchema(path, method, status);
      if (schema === undefined) throw new Error(`${file} documents no JSON ${status} response for ${method} ${path}`);
      check(compile(`${method} ${path} ${status}`, schema), `${method.toUpperCase()} ${path}`, body);
    },
    validateSchema(name, body) {
      if (!(doc.components.schemas as Record<string, unknown>)[name]) throw new Error(`${file} has no schema ${name}`);
      check(compile(`#${name}`, { $ref: `#/components/schemas/${name}` }), name, body);
    },
  };
}
