import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateOpenApi, OPENAPI_DTS, OPENAPI_JSON } from '../src/scripts/openapi.js';

// The web client is typed from committed files; a route change without `npm run openapi` must fail here.
describe('committed OpenAPI client files', () => {
  let generated: { json: string; dts: string };
  beforeAll(async () => {
    generated = await generateOpenApi();
  });
  const hint = 'stale: run `npm run openapi` and commit web/src/api/openapi.json and web/src/api/schema.d.ts';

  it('match what the current routes generate', () => {
    expect(readFileSync(OPENAPI_JSON, 'utf8') === generated.json, `openapi.json is ${hint}`).toBe(true);
    expect(readFileSync(OPENAPI_DTS, 'utf8') === generated.dts, `schema.d.ts is ${hint}`).toBe(true);
  });

  it('define every schema they reference', () => {
    const document = JSON.parse(generated.json) as { components?: { schemas?: Record<string, unknown> } };
    const defined = new Set(Object.keys(document.components?.schemas ?? {}));
    const referenced = [...generated.json.matchAll(/"\$ref": "#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(referenced.length).toBeGreaterThan(0);
    expect(referenced.filter((name) => !defined.has(name))).toEqual([]);
  });
});
