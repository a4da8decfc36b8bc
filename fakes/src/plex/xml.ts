/**
 * Minimal XML writer for the Plex fakes. Plex speaks XML by default (PMS and plex.tv v2 without
 * `Accept: application/json`) and only XML on plex.tv v1, so the fakes need to emit both forms of
 * the same data.
 */

export type XmlAttrValue = string | number | boolean | null | undefined;

export interface XmlNode {
  name: string;
  attrs?: Record<string, XmlAttrValue>;
  children?: XmlNode[];
}

const HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function xmlDocument(root: XmlNode): string {
  return HEADER + renderNode(root);
}

const NEEDS_ESCAPE = /[&<>"]/;

export function escapeXml(value: string): string {
  // Most values need nothing; skipping the replace keeps 10,000-user lists fast for the benchmark.
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Plex writes booleans as "1"/"0" in XML attributes. */
function attrText(value: XmlAttrValue): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return escapeXml(String(value));
}

function renderNode(node: XmlNode): string {
  let out = `<${node.name}`;
  for (const [key, value] of Object.entries(node.attrs ?? {})) {
    const t = attrText(value);
    if (t !== null) out += ` ${key}="${t}"`;
  }
  if (!node.children?.length) return out + '/>';
  out += '>';
  for (const child of node.children) out += renderNode(child);
  return out + `</${node.name}>`;
}

/**
 * Converts the JSON form of a PMS answer (`{"MediaContainer":{...}}`) to its XML form: scalars become
 * attributes, arrays of objects become repeated child elements, nested objects become one child.
 * Metadata items are named by kind in XML (`<Video>`, `<Track>`, `<Photo>`, `<Directory>`).
 */
export function plexJsonToXml(name: string, value: Record<string, unknown>): XmlNode {
  const attrs: Record<string, XmlAttrValue> = {};
  const children: XmlNode[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v)) {
      for (const item of v) {
        if (item && typeof item === 'object') children.push(plexJsonToXml(elementName(key, item as Record<string, unknown>), item as Record<string, unknown>));
      }
    } else if (v && typeof v === 'object') {
      children.push(plexJsonToXml(key, v as Record<string, unknown>));
    } else {
      attrs[key] = v as XmlAttrValue;
    }
  }
  return { name, attrs, children };
}

function elementName(key: string, item: Record<string, unknown>): string {
  if (key !== 'Metadata') return key;
  switch (item.type) {
    case 'movie':
    case 'episode':
    case 'clip':
      return 'Video';
    case 'track':
      return 'Track';
    case 'photo':
      return 'Photo';
    default:
      return 'Directory';
  }
}

/** The JSON plex.tv v1 gives to `Accept: application/json`: attributes as keys, children grouped in arrays by name. */
export function xmlNodeToJson(node: XmlNode): Record<string, unknown> {
  const out: Record<string, unknown> = { ...node.attrs };
  for (const child of node.children ?? []) ((out[child.name] ??= []) as unknown[]).push(xmlNodeToJson(child));
  return out;
}
