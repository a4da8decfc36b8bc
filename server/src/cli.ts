import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadEnv } from './config/env.js';
import { AppError } from './http/errors.js';
import { createAdmin, resetPassword } from './cli/accounts.js';
import { CliFailure, processIO, UsageError, type CliContext, type CliIO } from './cli/context.js';
import { backup, migrate, rotateKey } from './cli/maintenance.js';

type Options = NonNullable<ParseArgsConfig['options']>;

interface Command {
  usage: string;
  summary: string;
  options: Options;
  run(ctx: CliContext, values: Record<string, unknown>): Promise<void>;
}

const email = { type: 'string' } as const;
const password = { type: 'string' } as const;

const commands: Record<string, Command> = {
  'create-admin': {
    usage: 'create-admin --email E [--password P]',
    summary: 'create an administrator, or make an existing login one (asks for the password when not given)',
    options: { email, password },
    run: (ctx, v) => createAdmin(ctx, { email: str(v.email), password: str(v.password) }),
  },
  'reset-password': {
    usage: 'reset-password --email E [--password P] [--disable-2fa]',
    summary: "set a login's password and log out its sessions; --disable-2fa also turns off its second factors",
    options: { email, password, 'disable-2fa': { type: 'boolean' } },
    run: (ctx, v) => resetPassword(ctx, { email: str(v.email), password: str(v.password), 'disable-2fa': v['disable-2fa'] === true }),
  },
  migrate: {
    usage: 'migrate',
    summary: 'apply pending database migrations and list them',
    options: {},
    run: (ctx) => migrate(ctx),
  },
  backup: {
    usage: 'backup [--out DIR]',
    summary: 'online SQLite backup plus a copy of the key file into DIR (default: <data dir>/backups)',
    options: { out: { type: 'string' } },
    run: (ctx, v) => backup(ctx, { out: str(v.out) }),
  },
  'rotate-key': {
    usage: 'rotate-key',
    summary: 'generate a new secret key and re-encrypt every stored secret with it',
    options: {},
    run: (ctx) => rotateKey(ctx),
  },
};

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function helpText(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  return [
    'Usage: npm run usher -- <command> [options]',
    '',
    'Commands:',
    ...Object.values(commands).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  show this help`,
    '',
    'Configuration comes from the same environment variables as the server (USHER_DATA_DIR, DATABASE_URL,',
    'USHER_SECRET_KEY, USHER_SECRET_KEY_FILE, ...). Exit codes: 0 done, 1 failed, 2 usage error.',
  ].join('\n');
}

/** Runs one command line and returns the exit code; exiting is left to Node once the database is closed. */
async function runCli(argv: string[], io: CliIO = processIO, source: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    io.out(helpText());
    return 0;
  }
  try {
    if (!name) throw new UsageError('No command given.', true);
    const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (!command) throw new UsageError(`Unknown command "${name}".`, true);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(`Usage: npm run usher -- ${command.usage}\n\n${command.summary}`);
      return 0;
    }
    const values = parseOptions(command, rest);
    await command.run({ env: loadEnv(source), io }, values);
    return 0;
  } catch (error) {
    return report(error, io);
  }
}

function parseOptions(command: Command, args: string[]) {
  try {
    return parseArgs({ args, options: command.options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs explains the problem well ("Unknown option '--x'"); add the command's usage.
    throw new UsageError(`${(error as Error).message}\nUsage: npm run usher -- ${command.usage}`);
  }
}

function report(error: unknown, io: CliIO): number {
  if (error instanceof UsageError) {
    io.err(error.showHelp ? `${error.message}\n\n${helpText()}` : `${error.message}\nRun "npm run usher -- help" for every command.`);
    return 2;
  }
  // The server exits 2 on a bad configuration too: both are the operator's input, not a crash.
  if (error instanceof ConfigError) {
    io.err(error.message);
    return 2;
  }
  if (error instanceof CliFailure || error instanceof AppError) {
    io.err(error.message);
    return 1;
  }
  io.err(`Failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
