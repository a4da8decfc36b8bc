import { z } from 'zod';

export const emailField = z.email().max(254).transform((e) => e.trim().toLowerCase());
export const passwordField = z.string().min(1).max(256);

export const sessionViewSchema = z
  .object({
    authenticated: z.boolean(),
    stage: z.enum(['none', 'second_factor', 'full']),
    secondFactorMethods: z.array(z.enum(['totp', 'email', 'recovery'])).optional(),
    csrfToken: z.string().optional(),
    login: z
      .object({
        id: z.string(),
        email: z.string(),
        displayName: z.string().nullable(),
        role: z.object({ id: z.string(), name: z.string(), builtin: z.string().nullable(), permissions: z.array(z.string()) }),
        isAdmin: z.boolean(),
        twoFactor: z.object({ totp: z.boolean(), email: z.boolean(), recoveryCodesLeft: z.number().int() }),
        twoFactorRequired: z.boolean(),
      })
      .optional(),
  })
  .meta({ id: 'SessionView' });

export type SessionView = z.output<typeof sessionViewSchema>;

export const loginResultSchema = z.object({
  status: z.enum(['ok', 'second_factor']),
  session: sessionViewSchema,
});
