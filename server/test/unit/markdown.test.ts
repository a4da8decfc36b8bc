import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { customCssProblem } from '../../src/domain/custom-css.js';
import { isSafeImageUrl, isSafeLinkUrl, renderMarkdown } from '../../src/domain/markdown.js';

const ALLOWED_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'em', 'strong', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'img']);
const ALLOWED_ATTRS: Record<string, string[]> = { a: ['href', 'rel'], img: ['src', 'alt', 'loading'] };

/** Parses the output as a browser would and lists every element and attribute it would create. */
function elementsOf(html: string): { name: string; attrs: Record<string, string> }[] {
  const found: { name: string; attrs: Record<string, string> }[] = [];
  const parser = new Parser({ onopentag: (name, attrs) => found.push({ name, attrs }) }, { decodeEntities: true, lowerCaseAttributeNames: true });
  parser.write(html);
  parser.end();
  return found;
}

function expectInert(html: string): void {
  for (const { name, attrs } of elementsOf(html)) {
    expect(ALLOWED_TAGS, `<${name}> in ${html}`).toContain(name);
    for (const [attr, value] of Object.entries(attrs)) {
      expect(ALLOWED_ATTRS[name] ?? [], `${attr} on <${name}> in ${html}`).toContain(attr);
      if (attr === 'href') expect(value, html).toMatch(/^(https?:\/\/[^/]|mailto:|\/[^/\\]|#)/i);
      if (attr === 'src') expect(value, html).toMatch(/^https?:\/\/[^/]/i);
    }
  }
}

const VECTORS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<svg onload=alert(1)><script>alert(1)</script></svg>',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<form action="https://evil.example"><button>go</button></form>',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<p style="background:url(javascript:alert(1))">x</p>',
  '<div onmouseover="alert(1)">hover</div>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](javascript&#58;alert(1))',
  '[click](java&#x73;cript:alert(1))',
  '[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))',
  '[click](%6A%61%76%61%73%63%72%69%70%74:alert(1))',
  '[click](java\tscript:alert(1))',
  '[click]( javascript:alert(1))',
  '[click](vbscript:msgbox(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](//evil.example/x)',
  '[click](/\\evil.example/x)',
  '[click](https://ok.example/"onmouseover="alert(1))',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '![x" onerror="alert(1)](https://ok.example/a.png)',
  '![x](https://ok.example/a.png"onerror="alert(1))',
  '<javascript:alert(1)>',
  '**<img src=x onerror=alert(1)>**',
  '> <script>alert(1)</script>',
  '- [x](javascript:alert(1))\n- <svg/onload=alert(1)>',
  '```\n</code></pre><script>alert(1)</script>\n```',
  '`</code><script>alert(1)</script>`',
  '# <img src=x onerror=alert(1)>',
  '[<img src=x onerror=alert(1)>](https://ok.example)',
];

describe('operator Markdown', () => {
  it('renders the supported subset', () => {
    const html = renderMarkdown(
      [
        '# Welcome',
        '',
        'Stream **everything** on *any* device, see [pricing](/pricing) or [mail us](mailto:hi@example.com).',
        '',
        '- 4K films',
        '- `no ads`',
        '',
        '1. pick a plan',
        '2. pay',
        '',
        '> Best server in town',
        '',
        '![Our library](https://cdn.example.com/wall.jpg)',
        '',
        '---',
        '```',
        'a < b',
        '```',
      ].join('\n'),
    );
    expect(html).toContain('<h1>Welcome</h1>');
    expect(html).toContain('<strong>everything</strong> on <em>any</em> device');
    expect(html).toContain('<a href="/pricing" rel="nofollow noopener noreferrer">pricing</a>');
    expect(html).toContain('<a href="mailto:hi@example.com"');
    expect(html).toContain('<ul><li>4K films</li><li><code>no ads</code></li></ul>');
    expect(html).toContain('<ol><li>pick a plan</li><li>pay</li></ol>');
    expect(html).toContain('<blockquote><p>Best server in town</p></blockquote>');
    expect(html).toContain('<img src="https://cdn.example.com/wall.jpg" alt="Our library" loading="lazy">');
    expect(html).toContain('<hr>');
    expect(html).toContain('<pre><code>a &#60; b</code></pre>');
    expectInert(html);
  });

  it.each(VECTORS)('renders %j inert', (vector) => {
    const html = renderMarkdown(vector);
    expectInert(html);
    expect(html).not.toMatch(/<(script|svg|iframe|form|style|math|div|button)/i);
  });

  it('keeps a refused link or image as plain text, so the operator sees what went wrong', () => {
    expect(renderMarkdown('[click](javascript:alert(1))')).toBe('<p>click</p>');
    expect(renderMarkdown('![logo](data:image/png;base64,AAAA)')).toBe('<p>logo</p>');
    expect(renderMarkdown('<b>bold</b>')).toBe('<p>&#60;b&#62;bold&#60;/b&#62;</p>');
  });

  it('allows only web, mail and same-site link targets, and only web images', () => {
    expect(isSafeLinkUrl('https://example.com/a?b=1&c=2')).toBe(true);
    expect(isSafeLinkUrl('/register')).toBe(true);
    expect(isSafeLinkUrl('#faq')).toBe(true);
    expect(isSafeLinkUrl('//evil.example')).toBe(false);
    expect(isSafeLinkUrl('https:evil.example')).toBe(false);
    expect(isSafeLinkUrl('ftp://example.com')).toBe(false);
    expect(isSafeImageUrl('/logo.png')).toBe(false);
    expect(isSafeImageUrl('mailto:a@b.c')).toBe(false);
    expect(isSafeImageUrl('http://example.com/a.png')).toBe(true);
  });

  it('stays fast on hostile nesting', () => {
    const started = performance.now();
    renderMarkdown(`${'*a '.repeat(5000)}\n${'>'.repeat(2000)} deep\n${'['.repeat(3000)}x${'](y)'.repeat(3000)}`);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('extra CSS', () => {
  it('accepts ordinary rules and same-site images', () => {
    expect(customCssProblem('.hero { color: #fff; background: url(/brand/bg.jpg) center / cover; }')).toBeNull();
    expect(customCssProblem('h1 { font-weight: 800 }')).toBeNull();
  });

  it.each([
    ['@import url(https://evil.example/x.css);', '@import'],
    ['@IMPORT "https://evil.example/x.css";', '@import'],
    ['@\\69mport "https://evil.example/x.css";', 'backslash'],
    ['body { background: url(https://tracker.example/pixel.gif) }', 'path on this site'],
    ['body { background: url("//tracker.example/pixel.gif") }', 'path on this site'],
    ['body { background: url(javascript:alert(1)) }', 'javascript:'],
    ['body { background: url( data:image/svg+xml,<svg onload=alert(1)>) }', '<'],
    ['</style><script>alert(1)</script>', '<'],
    ['body { width: expression(alert(1)) }', 'expression'],
    ['body { -moz-binding: url(/x.xml#xss) }', '-moz-binding'],
    ['body { background: image-set("https://evil.example/a.png" 1x) }', 'image-set'],
    ['body { background: url(/a.png" x) }', 'url()'],
  ])('refuses %j', (css, reason) => {
    expect(customCssProblem(css)).toContain(reason);
  });

  it('refuses more than 20,000 characters', () => {
    expect(customCssProblem('a{}'.repeat(7000))).toContain('20000');
  });
});
