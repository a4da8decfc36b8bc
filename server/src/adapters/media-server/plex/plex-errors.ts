import { IntegrationError } from '../../http/integration-error.js';

/**
 * plex.tv and PMS failures Usher recognises, each with the cause code and the fix the admin sees.
 * plex.tv's 4xx messages are undocumented, so causes are read from the message text; anything
 * unrecognised still carries a fix that names every known cause.
 */

export const PLEX_FIX = {
  tokenInvalid: 'Replace the token of this Plex account, or use "Sign in with Plex" again. Tokens stop working when the password changes or the owner signs out of all devices.',
  staleLibraries: 'Run a server sync on the Servers page so Usher knows the current libraries of this server, then try again.',
  serverFull: 'Remove users from this Plex server or give the plan another server: Plex counts friends and Plex Home users against the limit of about 100.',
  homeMember: 'This Plex account is in the server owner\'s Plex Home and already has access. Use another Plex account, or remove it from the Home first.',
  machineIdChanged: 'The Plex server was reinstalled or reset and now has another machine id. Run a server sync (or re-add the server from its Plex account) so Usher uses the new id and token.',
  inviteRefused:
    'Plex refused the invite. Usual causes: libraries out of date (run a server sync), the server is full (friends and Home users count), the user is in the owner\'s Plex Home, or the server\'s machine id changed.',
  plexPass: 'Stopping streams needs Plex Pass on the server owner\'s account. Turn on "Has Plex Pass" only when the account has it.',
  unknownUser: 'Check the Plex username or email: plex.tv does not know it.',
  twoFactor: 'This Plex account uses two-factor authentication: enter the 6-digit code, or use "Sign in with Plex".',
  badCredentials: 'Check the Plex username/email and password, or use "Sign in with Plex".',
} as const;

export interface PlexTvErrorBody {
  code: number | null;
  message: string | null;
}

/**
 * Reads `{"errors":[{code,message}]}`, `<errors><error code message/></errors>`,
 * `<errors><error>text</error></errors>` or v1's `<Response code="400" status="text"/>`.
 */
export function readPlexTvError(body: string | undefined): PlexTvErrorBody {
  if (!body) return { code: null, message: null };
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: number; message?: string }[]; error?: string };
    const first = parsed.errors?.[0];
    if (first) return { code: first.code ?? null, message: first.message ?? null };
    if (typeof parsed.error === 'string') return { code: null, message: parsed.error };
  } catch {
    // XML (or plain text) below.
  }
  const attrs = /<error[^>]*\bcode="(\d+)"[^>]*\bmessage="([^"]*)"/.exec(body);
  if (attrs) return { code: Number(attrs[1]), message: decodeXml(attrs[2]!) };
  const response = /<Response\b[^>]*\bstatus="([^"]*)"/.exec(body);
  if (response) {
    const code = /<Response\b[^>]*\bcode="(\d+)"/.exec(body);
    return { code: code ? Number(code[1]) : null, message: decodeXml(response[1]!) };
  }
  const textual = /<error>([^<]*)<\/error>/.exec(body);
  return { code: null, message: textual ? decodeXml(textual[1]!) : null };
}

function decodeXml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;|&#39;|&#x27;/gi, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * "You're already sharing this server with bob. Please edit your existing share." Public clients
 * record it as 400 `<Response code="400" status="…"/>` from v1 `/api/servers/{id}/shared_servers`
 * (python-plexapi `inviteFriend` callers; early Wizarr matched "You're already sharing this
 * server") and as 422 from v2 `/api/v2/shared_servers`: the text, not the status, identifies it.
 */
const ALREADY_SHARED = /already shar(ing|ed)/i;

const describe = (e: IntegrationError): string => {
  const { message } = readPlexTvError(e.body);
  return message ? `plex.tv: ${message}` : e.message;
};

/** 401 on any call made with the account token. */
export function tokenError(e: IntegrationError): IntegrationError {
  if (e.status !== 401) return e;
  return e.withCause('plex_token_invalid', 'plex.tv no longer accepts the token of this Plex account (401).', PLEX_FIX.tokenInvalid, false);
}

/** Invite and share updates: the 4xx plex.tv answers with and what each means for the admin. */
export function shareError(e: IntegrationError): IntegrationError {
  if (e.status === 401) return tokenError(e);
  const { message } = readPlexTvError(e.body);
  const text = message ?? '';
  // Before the 422 causes below: its text also names "server", which would read as a changed machine id.
  if ((e.status === 400 || e.status === 422) && ALREADY_SHARED.test(text)) {
    return e.withCause('plex_already_shared', describe(e), 'Nothing to do: the user already has this server; Usher updates the existing share.', false);
  }
  if (e.status === 422) {
    if (/section|librar/i.test(text)) return e.withCause('plex_stale_libraries', `${describe(e)} (the libraries Usher knows are out of date).`, PLEX_FIX.staleLibraries, false);
    if (/maximum|full|limit/i.test(text)) return e.withCause('plex_server_full', `${describe(e)}.`, PLEX_FIX.serverFull, false);
    if (/home/i.test(text)) return e.withCause('plex_home_member', `${describe(e)}.`, PLEX_FIX.homeMember, false);
    if (/server|machine/i.test(text)) return e.withCause('plex_machine_id_changed', `${describe(e)}.`, PLEX_FIX.machineIdChanged, false);
    if (/invalid token/i.test(text)) return tokenError(new IntegrationError(e.service, 'unauthorized', e.message, false, { status: 401, body: e.body }));
    return e.withCause('plex_invite_refused', `${describe(e)} (422).`, PLEX_FIX.inviteRefused, false);
  }
  if (e.status === 404 && /user/i.test(text)) return e.withCause('plex_unknown_user', describe(e), PLEX_FIX.unknownUser, false);
  return e;
}

/** Password sign-in: 401 codes 1001 (credentials), 1029 (2FA code needed), 1031 (blocked IP). */
export function signInError(e: IntegrationError): IntegrationError {
  if (e.status !== 401) return e;
  const { code, message } = readPlexTvError(e.body);
  if (code === 1029 || /verification code/i.test(message ?? '')) {
    return e.withCause('plex_2fa_required', 'plex.tv asks for the two-factor code of this account.', PLEX_FIX.twoFactor, false);
  }
  if (code === 1031) return e.withCause('plex_signin_blocked', `plex.tv: ${message ?? 'sign-in blocked'}.`, 'plex.tv blocked sign-in from this address after repeated failures; wait, or use "Sign in with Plex".', false);
  return e.withCause('plex_bad_credentials', 'plex.tv refused the username or password.', PLEX_FIX.badCredentials, false);
}

export function machineIdChanged(service: string, expected: string, actual: string): IntegrationError {
  return new IntegrationError(service, 'rejected', `The Plex server now reports machine id ${actual} instead of ${expected}.`, false, {
    fix: PLEX_FIX.machineIdChanged,
    cause: 'plex_machine_id_changed',
  });
}
