import { json, type FakeHttpServer, type FakeRequest, type FakeResponse } from '../core/fake-server.js';
import { v2Answer, v2Open } from './plex-tv-guard.js';
import { userJson } from './plex-tv-shapes.js';
import type { PlexTvState } from './plex-tv-state.js';
import { PlexTvFailure, type FakePin } from './plex-tv-types.js';
import { bodyObject, clientIdOf, html, isoSeconds, nowSeconds, v2Error, wantsJson, xml } from './wire.js';
import { escapeXml } from './xml.js';

/** PIN login (plex.tv API + the app.plex.tv page a person approves on) and password sign-in. */
export function addAuthRoutes(http: FakeHttpServer, state: PlexTvState): void {
  http.route(
    'POST',
    '/api/v2/pins',
    v2Open((req) => {
      const product = header(req, 'x-plex-product') ?? 'Plex Web';
      const pin = state.pins.create(clientIdOf(req)!, product, req.query.get('strong') === 'true');
      return v2Answer(req, 201, pinJson(pin), 'pin');
    }),
  );
  http.route(
    'GET',
    '/api/v2/pins/:id',
    v2Open((req) => {
      const pin = state.pins.live(Number(req.params.id));
      // A PIN only answers to the client that created it.
      if (!pin || pin.clientIdentifier !== clientIdOf(req)) return v2Error(req, 404, 1020, 'Code not found or expired');
      return v2Answer(req, 200, pinJson(pin), 'pin');
    }),
  );

  http.route(
    'POST',
    '/api/v2/users/signin',
    v2Open((req) => {
      const b = bodyObject(req);
      const account = state.signIn(String(b.login ?? ''), String(b.password ?? ''), b.verificationCode ? String(b.verificationCode) : undefined);
      const homeSize = account.homeOf === null ? 1 : state.homeUsers(account.homeOf).length;
      const body = { ...userJson(account, homeSize), pastSubscriptions: [], trials: [] };
      if (wantsJson(req)) return json(201, body);
      return xml(201, { name: 'user', attrs: { id: account.id, uuid: account.uuid, username: account.username, email: account.email, title: account.title, authToken: account.token } });
    }),
  );

  // Legacy sign-in: no 2FA field, the code is appended to the password.
  http.route('POST', '/users/sign_in.json', (req) => {
    if (!clientIdOf(req)) return json(400, { error: 'X-Plex-Client-Identifier is missing' });
    const b = bodyObject(req);
    const login = String(b['user[login]'] ?? '');
    const password = String(b['user[password]'] ?? '');
    const account = state.findByLogin(login);
    const code = account?.twoFactorCode;
    const ok = account?.token && account.password !== null && (code ? password === `${account.password}${code}` : password === account.password);
    if (!account || !ok) return json(401, { error: 'Invalid email, username, or password.' });
    return json(201, {
      user: {
        id: account.id,
        uuid: account.uuid,
        email: account.email,
        username: account.username,
        title: account.title,
        thumb: `https://plex.tv/users/${account.uuid}/avatar?c=1`,
        authToken: account.token,
        authentication_token: account.token,
        subscription: { active: account.plexPass, status: account.plexPass ? 'Active' : 'Inactive' },
      },
    });
  });

  // app.plex.tv/auth#?clientID=…&code=…&forwardUrl=… : the parameters live in the fragment, so the
  // page reads them in the browser and posts them back with the account the person picked.
  http.route('GET', '/auth', () => html(200, authPage(state)));
  http.route('POST', '/auth/approve', (req) => approveFromPage(state, req));
}

function header(req: FakeRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function pinJson(pin: FakePin): Record<string, unknown> {
  return {
    id: pin.id,
    code: pin.code,
    product: pin.product,
    trusted: false,
    qr: `https://plex.tv/api/v2/pins/qr/${pin.code}`,
    clientIdentifier: pin.clientIdentifier,
    location: { code: 'NL', european_union_member: true, continent_code: 'EU', country: 'Netherlands', city: 'Amsterdam', time_zone: 'Europe/Amsterdam', postal_code: '1000', in_privacy_restricted_country: true, subdivisions: 'North Holland', coordinates: '52.37, 4.89' },
    expiresIn: Math.max(0, pin.expiresAt - nowSeconds()),
    createdAt: isoSeconds(pin.createdAt),
    expiresAt: isoSeconds(pin.expiresAt),
    authToken: pin.authToken,
    newRegistration: null,
  };
}

function authPage(state: PlexTvState): string {
  const options = [...state.accounts.values()]
    .filter((a) => a.token && !a.restricted && a.username)
    .slice(0, 200)
    .map((a) => `<option value="${a.id}">${escapeXml(a.username ?? '')} (${escapeXml(a.email ?? '')})</option>`)
    .join('');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Plex - Sign in</title></head>
<body>
<h1>Sign in with Plex</h1>
<p id="product">An app wants to access your Plex account.</p>
<form method="post" action="/auth/approve">
  <input type="hidden" name="code" id="code">
  <input type="hidden" name="forwardUrl" id="forwardUrl">
  <label>Account <select name="accountId" id="account">${options}</select></label>
  <button type="submit" id="approve">Approve</button>
</form>
<script>
  var hash = location.hash.replace(/^#!?\\??/, '');
  var params = new URLSearchParams(hash);
  document.getElementById('code').value = params.get('code') || '';
  document.getElementById('forwardUrl').value = params.get('forwardUrl') || '';
  var product = params.get('context[device][product]');
  if (product) document.getElementById('product').textContent = product + ' wants to access your Plex account.';
</script>
</body></html>`;
}

function approveFromPage(state: PlexTvState, req: FakeRequest): FakeResponse {
  const b = bodyObject(req);
  const account = state.account(Number(b.accountId));
  const code = String(b.code ?? '');
  if (!account?.token || !code) return html(400, '<html><body><h1>Missing code or account</h1></body></html>');
  try {
    state.pins.approve(code, account.token);
  } catch (error) {
    if (!(error instanceof PlexTvFailure)) throw error;
    return html(404, '<html><body><h1>This code has expired. Go back and try again.</h1></body></html>');
  }
  const forward = String(b.forwardUrl ?? '');
  if (/^https?:\/\//.test(forward)) return { status: 303, headers: { location: forward } };
  return html(200, '<html><body><h1>Signed in</h1><p>You can close this window.</p></body></html>');
}
