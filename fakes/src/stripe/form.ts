/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracket nesting
 * (`line_items[0][price_data][currency]=usd`, `expand[]=data.payments`, `metadata[k]=v`), as the
 * SDK's `stringifyRequestData` writes it. Numeric segments become arrays.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };

export function parseStripeForm(raw: string | URLSearchParams): Record<string, FormValue> {
  const params = typeof raw === 'string' ? new URLSearchParams(raw) : raw;
  const root: Record<string, FormValue> = {};
  for (const [key, value] of params) {
    const match = /^([^[]+)((?:\[[^\]]*\])*)$/.exec(key);
    if (!match) continue;
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!)];
    let node: Record<string, FormValue> | FormValue[] = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      const last = i === path.length - 1;
      const next = path[i + 1];
      const container = (): FormValue => (next === '' || (next !== undefined && /^\d+$/.test(next)) ? [] : {});
      if (Array.isArray(node)) {
        const index = segment === '' ? node.length : Number(segment);
        if (last) node[index] = value;
        else node = (node[index] ??= container()) as Record<string, FormValue> | FormValue[];
      } else if (last) node[segment] = value;
      else node = (node[segment] ??= container()) as Record<string, FormValue> | FormValue[];
    }
  }
  return root;
}

export const formString = (v: FormValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

export function formRecord(v: FormValue | undefined): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function formList(v: FormValue | undefined): FormValue[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') return Object.values(v);
  return v === undefined ? [] : [v];
}
