/**
 * Operator Markdown (home sections, pricing text, FAQ answers) to HTML that is safe to insert into the
 * public pages. Nothing of the input is ever passed through as markup: every character is escaped and
 * only the constructs below produce tags, each through `tag()`, which refuses anything outside the
 * allow-list. Raw HTML in the source therefore shows as text, never runs.
 *
 * Supported: headings, paragraphs, line breaks (two trailing spaces), emphasis, strong, inline code,
 * fenced code blocks, block quotes, ordered and unordered lists, horizontal rules, links, images.
 */

const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  h1: [], h2: [], h3: [], h4: [], h5: [], h6: [],
  p: [], br: [], hr: [], em: [], strong: [], code: [], pre: [], blockquote: [], ul: [], ol: [], li: [],
  a: ['href', 'rel'],
  img: ['src', 'alt', 'loading'],
};
const VOID = new Set(['br', 'hr', 'img']);
/** Nested quotes and emphasis beyond this are shown as text: bounded work for any input. */
const MAX_DEPTH = 8;

export function renderMarkdown(source: string): string {
  return renderBlocks(source.replace(/\r\n?/g, '\n').split('\n'), 0);
}

/** Whether a link target may be emitted: web and mail addresses, or a path on this site. */
export function isSafeLinkUrl(raw: string): boolean {
  return isSafeUrl(raw, true);
}

/** Images load only from web addresses: no data:, no paths that could hit an action on this site. */
export function isSafeImageUrl(raw: string): boolean {
  return isSafeUrl(raw, false) && /^https?:/i.test(raw);
}

function isSafeUrl(raw: string, allowLocal: boolean): boolean {
  // Browsers forgive control characters, whitespace and backslashes inside a scheme or host
  // ("java\tscript:", "/\\evil.example"): refuse them all. Entities ("java&#x73;cript:") cannot
  // spell a scheme: the scheme must be written literally, and `&` is escaped on the way out.
  if (raw.length === 0 || raw.length > 2000 || hasControlCharacter(raw) || /[\s\\<>"'`]/.test(raw)) return false;
  if (/^https?:\/\/[^/?#]/i.test(raw)) return true;
  if (/^mailto:[^/]/i.test(raw)) return allowLocal;
  // "/pricing" or "#faq" on this site, but not "//evil.example" (protocol-relative).
  if (allowLocal && (/^\/(?![/])/.test(raw) || raw.startsWith('#'))) return true;
  return false;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function tag(name: string, attrs: Record<string, string>, inner = ''): string {
  const allowed = ALLOWED[name];
  if (!allowed) throw new Error(`markdown renderer asked for <${name}>, which is not allowed`);
  let out = `<${name}`;
  for (const [key, value] of Object.entries(attrs)) {
    if (!allowed.includes(key)) throw new Error(`markdown renderer asked for ${key} on <${name}>`);
    out += ` ${key}="${escapeHtml(value)}"`;
  }
  return VOID.has(name) ? `${out}>` : `${out}>${inner}</${name}>`;
}

// ---- blocks -----------------------------------------------------------------------------------

const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^ {0,3}(```|~~~)/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?/;
const BULLET = /^ {0,3}[-*+]\s+/;
const NUMBERED = /^ {0,3}\d{1,9}[.)]\s+/;

function renderBlocks(lines: string[], depth: number): string {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++; // the closing fence, or past the end when it is missing
      out.push(tag('pre', {}, tag('code', {}, escapeHtml(body.join('\n')))));
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      out.push(tag(`h${heading[1]!.length}`, {}, renderInline(heading[2]!, depth)));
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.push(tag('hr', {}));
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) body.push(lines[i++]!.replace(QUOTE, ''));
      out.push(depth >= MAX_DEPTH ? tag('p', {}, escapeHtml(body.join(' '))) : tag('blockquote', {}, renderBlocks(body, depth + 1)));
      continue;
    }
    const listKind = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (listKind) {
      const items: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '') {
        const current = lines[i]!;
        if (listKind.test(current)) items.push(current.replace(listKind, ''));
        else if (items.length > 0 && /^\s+/.test(current)) items[items.length - 1] += ` ${current.trim()}`;
        else break;
        i++;
      }
      const list = items.map((item) => tag('li', {}, renderInline(item, depth))).join('');
      out.push(tag(listKind === BULLET ? 'ul' : 'ol', {}, list));
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !startsBlock(lines[i]!)) paragraph.push(lines[i++]!);
    out.push(tag('p', {}, paragraph.map((l, n) => renderInline(l.trim(), depth) + (n < paragraph.length - 1 ? (/ {2,}$/.test(l) ? tag('br', {}) : ' ') : '')).join('')));
  }
  return out.join('\n');
}

function startsBlock(line: string): boolean {
  return HEADING.test(line) || FENCE.test(line) || RULE.test(line) || QUOTE.test(line) || BULLET.test(line) || NUMBERED.test(line);
}

// ---- inline -----------------------------------------------------------------------------------

// Targets may hold one level of balanced parentheses, as Wikipedia addresses do.
const TARGET = String.raw`((?:[^\s()]|\([^\s()]*\))*)`;
const IMAGE = new RegExp(String.raw`^!\[([^\]\n]{0,500})\]\(\s*${TARGET}(?:\s+"[^"\n]*")?\s*\)`);
const LINK = new RegExp(String.raw`^\[((?:[^[\]\n]|\[[^[\]\n]*\]){0,500})\]\(\s*${TARGET}(?:\s+"[^"\n]*")?\s*\)`);
const AUTOLINK = /^<((?:https?:\/\/|mailto:)[^\s<>]{1,2000})>/i;
const ESCAPABLE = /[\\`*_{}[\]()#+\-.!<>|~]/;

function renderInline(text: string, depth: number, insideLink = false): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1]!)) {
      out += escapeHtml(text[i + 1]!);
      i += 2;
      continue;
    }
    if (ch === '`') {
      const run = /^`+/.exec(rest)![0];
      const close = text.indexOf(run, i + run.length);
      if (close !== -1) {
        out += tag('code', {}, escapeHtml(text.slice(i + run.length, close).trim()));
        i = close + run.length;
        continue;
      }
    }
    const image = ch === '!' ? IMAGE.exec(rest) : null;
    if (image) {
      const [whole, alt, url] = image;
      out += isSafeImageUrl(url!) ? tag('img', { src: url!, alt: alt!, loading: 'lazy' }) : escapeHtml(alt!);
      i += whole.length;
      continue;
    }
    const link = ch === '[' && !insideLink ? LINK.exec(rest) : null;
    if (link) {
      const [whole, label, url] = link;
      const inner = renderInline(label!, depth + 1, true);
      out += isSafeLinkUrl(url!) ? tag('a', { href: url!, rel: 'nofollow noopener noreferrer' }, inner) : inner;
      i += whole.length;
      continue;
    }
    const auto = ch === '<' && !insideLink ? AUTOLINK.exec(rest) : null;
    if (auto && isSafeLinkUrl(auto[1]!)) {
      out += tag('a', { href: auto[1]!, rel: 'nofollow noopener noreferrer' }, escapeHtml(auto[1]!));
      i += auto[0].length;
      continue;
    }
    if ((ch === '*' || ch === '_') && depth < MAX_DEPTH) {
      const marker = text.startsWith(ch + ch, i) ? ch + ch : ch;
      const close = findClosing(text, marker, i + marker.length);
      if (close !== -1) {
        const inner = renderInline(text.slice(i + marker.length, close), depth + 1, insideLink);
        out += tag(marker.length === 2 ? 'strong' : 'em', {}, inner);
        i = close + marker.length;
        continue;
      }
    }
    out += escapeHtml(ch);
    i++;
  }
  return out;
}

/** The closing emphasis marker: not right after whitespace, and not the start of a longer run. */
function findClosing(text: string, marker: string, from: number): number {
  if (from >= text.length || /\s/.test(text[from]!)) return -1;
  for (let at = text.indexOf(marker, from + 1); at !== -1; at = text.indexOf(marker, at + 1)) {
    if (/\s/.test(text[at - 1]!)) continue;
    if (marker.length === 1 && text[at + 1] === marker) {
      at++;
      continue;
    }
    return at;
  }
  return -1;
}
