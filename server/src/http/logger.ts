import pino, { type Logger } from 'pino';

/**
 * Header paths pino redacts on the serialized request and response (their names are not secret words
 * on their own, e.g. `cookie`, `set-cookie`).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

const CENSOR = '[redacted]';
const MAX_DEPTH = 8;

/** Key names ending in "code" that are never secrets (HTTP status, error and socket codes, locales). */
const HARMLESS_CODE_KEYS = new Set(['statuscode', 'errorcode', 'networkcode', 'exitcode', 'countrycode', 'currencycode', 'languagecode', 'postalcode', 'zipcode']);

/**
 * Whether a key names a secret: token, password, secret, authorization, cookie, api key, key, code,
 * alone or compounded (resetToken, api_key, plexToken, recoveryCodes), in any case.
 */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[_\-\s]/g, '');
  if (/token|passw|secret|authori[sz]ation|cookie|credential/.test(k)) return true;
  if (/keys?$/.test(k)) return true;
  if (/codes?$/.test(k)) return !HARMLESS_CODE_KEYS.has(k);
  return false;
}

/**
 * Copies a logged object with every secret-named key censored, at any depth. Only plain objects and
 * arrays are walked: class instances (a request, an Error) go to their serializers untouched, and a
 * line without secrets is returned as it came, so the common case allocates nothing.
 */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item, i) => {
      const out = redactDeep(item, depth + 1, seen);
      if (out !== item) (copy ??= [...value])[i] = out;
    });
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    let out: unknown;
    // Booleans and absent values say nothing secret ("hasPassword": true) and help when debugging.
    if (isSecretKey(key) && item !== null && item !== undefined && typeof item !== 'boolean') out = CENSOR;
    else out = redactDeep(item, depth + 1, seen);
    if (out !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = out;
  }
  return copy ?? value;
}

/** The request as logged: the path without its query string, which may carry a one-time token. */
function requestSerializer(req: { method?: string; url?: string; ip?: string; socket?: { remotePort?: number } }) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? req.url.split('?')[0] : req.url,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      base: { service: 'usher' },
      serializers: { req: requestSerializer },
      formatters: { log: (object) => redactDeep(object) as Record<string, unknown> },
    },
    destination,
  );
}
