import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root, whether running from src/ (tsx) or dist/ (compiled). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  SITE_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .refine((v) => /^(postgres|postgresql|sqlite|file):/.test(v), 'must start with postgres://, sqlite: or file:')
    .optional(),
  USHER_DATA_DIR: z.string().min(1).optional(),
  USHER_SECRET_KEY: z.string().min(1).optional(),
  USHER_SECRET_KEY_FILE: z.string().min(1).optional(),
  USHER_ADMIN_EMAIL: z.email().optional(),
  USHER_ADMIN_PASSWORD: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v) => parseTrustProxy(v)),
  PLEX_TV_URL: z.url().default('https://plex.tv'),
  PLEX_CLIENTS_URL: z.url().default('https://clients.plex.tv'),
  PLEX_APP_URL: z.url().default('https://app.plex.tv'),
  // Unset means PayPal's own host for each account's mode (live or sandbox); set, every account uses it.
  PAYPAL_API_URL: z.url().optional(),
  PAYPAL_NVP_URL: z.url().optional(),
  // Unset means api.stripe.com over https; set (tests, the demo), every Stripe call goes there instead.
  STRIPE_API_HOST: z.string().min(1).optional(),
  STRIPE_API_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  STRIPE_API_PROTOCOL: z.enum(['http', 'https']).optional(),
  // Unset means https://api.plisio.net.
  PLISIO_API_URL: z.url().optional(),
  // `small` (default) asks V8 to collect garbage sooner; `fast` keeps its defaults (platform/memory-profile.ts).
  USHER_MEMORY_PROFILE: z.enum(['small', 'fast']).default('small'),
  USHER_DISABLE_JOBS: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .transform((v) => v === '1' || v === 'true'),
});

export type Env = z.output<typeof envSchema> & { dataDir: string };

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads the environment. `X_FILE` supplies `X` from a file (Docker secrets). Throws a ConfigError
 * listing every problem at once, so an operator fixes them all in one go.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const problems: string[] = [];
  const values: Record<string, string | undefined> = { ...source };
  for (const key of Object.keys(envSchema.shape)) {
    const fileVar = `${key}_FILE`;
    // USHER_SECRET_KEY_FILE is itself a setting (where the key file lives), not a Docker-secret indirection.
    if (key === 'USHER_SECRET_KEY') continue;
    const filePath = source[fileVar];
    if (filePath && values[key] === undefined) {
      try {
        values[key] = readFileSync(filePath, 'utf8').trim();
      } catch (error) {
        problems.push(`${fileVar}: cannot read ${filePath} (${(error as Error).message})`);
      }
    }
  }
  const parsed = envSchema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (parsed.success && Boolean(parsed.data.USHER_ADMIN_EMAIL) !== Boolean(parsed.data.USHER_ADMIN_PASSWORD)) {
    problems.push('USHER_ADMIN_EMAIL and USHER_ADMIN_PASSWORD must be set together');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const dataDirRaw = parsed.data.USHER_DATA_DIR ?? 'data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(repoRoot, dataDirRaw);
  return { ...parsed.data, dataDir };
}
