/**
 * plex.tv v1 answers XML; the community document describes the same data as JSON. This reads the
 * simple attribute-only XML the fake writes into that JSON shape (children grouped in arrays by
 * element name, integer-looking attributes as numbers) so both can be checked against the document.
 */
export function xmlAsJson(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const stack: Record<string, unknown>[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>/g;
  for (const m of text.replace(/<\?xml[^>]*\?>/, '').matchAll(tag)) {
    const [, closing, name, attrs, selfClosing] = m;
    if (closing) {
      stack.pop();
      continue;
    }
    const el: Record<string, unknown> = {};
    for (const a of attrs!.matchAll(/([\w:.-]+)="([^"]*)"/g)) el[a[1]!] = typed(decode(a[2]!));
    const parent = stack.at(-1)!;
    if (parent === root) parent[name!] = el;
    else ((parent[name!] ??= []) as unknown[]).push(el);
    if (!selfClosing) stack.push(el);
  }
  return root;
}

const typed = (v: string): string | number => (/^-?\d+$/.test(v) && v.length < 16 ? Number(v) : v);
const decode = (v: string): string => v.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
