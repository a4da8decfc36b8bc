import { hash, verify } from '@node-rs/argon2';

// A short list of the passwords breached most often that still pass the composition rules; the
// point is to refuse the obvious ones, not to replace a breach database.
const COMMON = new Set(
  [
    'P@ssword1!', 'P@ssw0rd!', 'P@ssw0rd1', 'P@ssw0rd123', 'Password1!', 'Password123!', 'Passw0rd!',
    'Welcome1!', 'Welcome123!', 'Qwerty123!', 'Qwerty1!', 'Admin123!', 'Admin@123', 'Abc123!@#',
    'Letmein1!', 'Changeme1!', 'Summer2024!', 'Winter2024!', 'Spring2025!', 'Autumn2025!', 'Summer2025!',
    'Winter2025!', 'Summer2026!', 'Winter2026!', 'Iloveyou1!', 'Monkey123!', 'Dragon123!', 'Football1!',
    'Baseball1!', 'Master123!', 'Sunshine1!', 'Princess1!', 'Trustno1!', 'Superman1!', 'Batman123!',
    'Pa$$w0rd', 'Pa$$word1', 'Test123!', 'Test@123', 'Usher123!', 'Plex123!', 'Jellyfin1!', 'Emby123!',
  ].map((p) => p.toLowerCase()),
);

export interface PasswordProblem {
  code: string;
  message: string;
}

/** The reference's rule (8+ chars, upper, lower, digit, special) plus a common-password check. */
export function passwordProblems(password: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < 8) problems.push({ code: 'too_short', message: 'at least 8 characters' });
  if (password.length > 256) problems.push({ code: 'too_long', message: 'at most 256 characters' });
  if (!/[A-Z]/.test(password)) problems.push({ code: 'no_upper', message: 'an upper-case letter' });
  if (!/[a-z]/.test(password)) problems.push({ code: 'no_lower', message: 'a lower-case letter' });
  if (!/[0-9]/.test(password)) problems.push({ code: 'no_digit', message: 'a digit' });
  if (!/[^A-Za-z0-9]/.test(password)) problems.push({ code: 'no_special', message: 'a special character' });
  if (COMMON.has(password.toLowerCase())) problems.push({ code: 'common', message: 'not a commonly used password' });
  return problems;
}

const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const; // OWASP's argon2id baseline

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hashed: string | null, password: string): Promise<boolean> {
  if (!hashed) return false;
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

// Verifying against a real hash when the account does not exist keeps response time the same, so
// login timing does not reveal which emails have accounts.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('Dummy-password-1!');
  await verifyPassword(await dummyHash, password);
}
