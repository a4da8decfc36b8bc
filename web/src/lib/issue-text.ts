/** Plain words for validation messages; no imports, so the API client can use it too. */

/** zod's default wording → what an operator reads. Custom messages from the server pass through. */
const RULES: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^Invalid URL/i, () => 'Enter a full address starting with http:// or https://.'],
  [/^Invalid email/i, () => 'Enter a valid email address.'],
  [/^Too big: expected string to have <=(\d+) characters?/i, (m) => `Use at most ${m[1]} characters.`],
  [/^Too small: expected string to have >=1 characters?/i, () => 'This field is required.'],
  [/^Too small: expected string to have >=(\d+) characters?/i, (m) => `Use at least ${m[1]} characters.`],
  [/^Too small: expected number to be >=?(-?[\d.]+)/i, (m) => `Enter ${m[1]} or more.`],
  [/^Too big: expected number to be <=?(-?[\d.]+)/i, (m) => `Enter ${m[1]} or less.`],
  [/^Too (big|small): expected array to have [<>]=(\d+) items?/i, (m) => (m[1] === 'big' ? `Choose at most ${m[2]}.` : `Choose at least ${m[2]}.`)],
  [/^Invalid input: expected int/i, () => 'Enter a whole number.'],
  [/^Invalid input: expected number/i, () => 'Enter a number.'],
  [/^Invalid input: expected (string|boolean|array|object), received undefined/i, () => 'This field is required.'],
  [/^Invalid option: expected one of (.+)$/i, (m) => `Choose one of ${m[1]!.replace(/"/g, '').replace(/\|/g, ', ')}.`],
  [/^Unrecognized keys?:? (.+)$/i, (m) => `Not a field of this form: ${m[1]}.`],
  [/^Invalid string: must match pattern/i, () => 'This value is not in the expected format.'],
  // The settings schemas say what is expected ("an IANA time zone such as Europe/Paris").
  [/^(an? .+)$/, (m) => `Enter ${m[1]}.`],
];

export function humanizeIssue(message: string): string {
  const trimmed = message.trim();
  for (const [pattern, say] of RULES) {
    const match = pattern.exec(trimmed);
    if (match) return say(match);
  }
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** "maxUsers" → "Max users", for an issue whose field has no place on the screen. */
export function fieldLabel(path: string): string {
  const last = path.split('.').filter((p) => !/^\d+$/.test(p)).at(-1) ?? path;
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
