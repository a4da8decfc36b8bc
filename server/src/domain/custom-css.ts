/**
 * The operator's extra CSS for the public pages. It is inserted as the text of a <style> element,
 * so it must not load anything from elsewhere (a tracking pixel, a stylesheet that changes later),
 * run script (old IE `expression()`, `-moz-binding`) or close the element. CSS escapes (`\69mport`)
 * could spell any of those, so backslashes are refused too. Refused, not stripped: the operator
 * sees why when saving.
 */
export const MAX_CUSTOM_CSS_LENGTH = 20_000;

const RULES: { pattern: RegExp; problem: string }[] = [
  { pattern: /\\/, problem: 'CSS escapes (backslashes) are not allowed' },
  { pattern: /</, problem: 'the “<” character is not allowed (it could close the style element)' },
  { pattern: /@import/i, problem: '@import is not allowed: put the rules here instead' },
  { pattern: /@namespace|@charset/i, problem: '@namespace and @charset are not allowed' },
  { pattern: /expression\s*\(|-moz-binding|behavior\s*:/i, problem: 'script-like properties (expression, -moz-binding, behavior) are not allowed' },
  { pattern: /javascript:|vbscript:|data:/i, problem: 'javascript:, vbscript: and data: addresses are not allowed' },
  { pattern: /image-set\s*\(|src\s*\(/i, problem: 'image-set() and src() are not allowed; use url() with a path on this site' },
];

/** Why the CSS cannot be used, or null when it can. */
export function customCssProblem(css: string): string | null {
  if (css.length > MAX_CUSTOM_CSS_LENGTH) return `Extra CSS is limited to ${MAX_CUSTOM_CSS_LENGTH} characters`;
  for (const rule of RULES) if (rule.pattern.test(css)) return `Extra CSS: ${rule.problem}`;
  for (const match of css.matchAll(/url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) {
    if (!/^\/(?![/])/.test(match[2]!)) return 'Extra CSS: url() may only name a path on this site, such as /brand/background.jpg';
  }
  // A url( the pattern above did not understand (unbalanced quotes, nested parentheses) is refused.
  const urlCount = (css.match(/url\s*\(/gi) ?? []).length;
  const understood = [...css.matchAll(/url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi)].length;
  if (urlCount !== understood) return 'Extra CSS: write url() as url(/path) or url("/path")';
  return null;
}
