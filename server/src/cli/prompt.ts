import { AppError } from '../http/errors.js';
import { assertPasswordAcceptable } from '../modules/auth/auth.service.js';
import { CliFailure, UsageError, type CliIO } from './context.js';

const MAX_TRIES = 3;

/** Reads one line from the terminal without echoing it. */
export function readHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (outcome: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new CliFailure('Cancelled.')));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The password from `--password`, or asked twice on a terminal. A password the policy refuses is
 * asked again; a refused `--password` fails with the policy's message.
 */
export async function obtainPassword(io: CliIO, given: string | undefined, ask = readHidden): Promise<string> {
  if (given !== undefined) {
    assertAcceptable(given);
    return given;
  }
  if (!io.interactive) throw new UsageError('--password is required when not running in a terminal.');
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    const password = await ask('New password: ');
    const problem = policyMessage(password);
    if (problem) {
      io.err(problem);
      continue;
    }
    if ((await ask('Repeat the password: ')) !== password) {
      io.err('The two passwords differ.');
      continue;
    }
    return password;
  }
  throw new CliFailure(`No acceptable password after ${MAX_TRIES} tries.`);
}

/** The policy's own message (the one the web app shows), or null when the password passes. */
function policyMessage(password: string): string | null {
  try {
    assertPasswordAcceptable(password);
    return null;
  } catch (error) {
    if (error instanceof AppError) return error.message;
    throw error;
  }
}

function assertAcceptable(password: string): void {
  const problem = policyMessage(password);
  if (problem) throw new CliFailure(problem);
}
