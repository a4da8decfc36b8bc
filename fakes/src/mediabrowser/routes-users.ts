import { empty, type FakeRequest, type FakeResponse } from '../core/fake-server.js';
import type { Caller } from './auth.js';
import { defaultDisplayPreferences } from './defaults.js';
import { field, ok, plain, q, qBool, qInt, serverError, userNotFound, validationProblem, type RouteContext } from './http.js';
import { userDto } from './serialize.js';
import type { FakeUser, Json } from './types.js';

// Jellyfin's `User.ValidUsernameRegex`; Emby is at least as strict in practice.
const VALID_USERNAME = /^(?!\s)[\w \-'._@+]+(?<!\s)$/u;

export function registerUserRoutes(ctx: RouteContext): void {
  const { state, flavor } = ctx;
  const success = (): FakeResponse => empty(204);

  const listUsers = (req: FakeRequest): FakeUser[] => {
    const hidden = qBool(req, 'isHidden');
    const disabled = qBool(req, 'isDisabled');
    return [...state.users.values()].filter(
      (u) => (hidden === null || (u.policy.IsHidden === true) === hidden) && (disabled === null || (u.policy.IsDisabled === true) === disabled),
    );
  };

  // Emby 4.8 documents only the paged query; plain /Users is what live clients still call (§8.6).
  ctx.route('GET', '/Users/Query', (req) => {
    const all = listUsers(req);
    const start = qInt(req, 'StartIndex') ?? 0;
    const limit = qInt(req, 'Limit');
    const page = all.slice(start, limit === null ? undefined : start + limit);
    return ok({ Items: page.map((u) => userDto(state, u)), TotalRecordCount: all.length });
  });
  ctx.route('GET', '/Users', (req) => ok(listUsers(req).map((u) => userDto(state, u))));

  ctx.route('POST', '/Users/New', (req) => {
    const name = field(req.body, 'Name');
    if (typeof name !== 'string' || name === '') return validationProblem({ Name: ['The Name field is required.'] });
    if (!VALID_USERNAME.test(name)) return serverError(flavor, 400, 'Usernames can contain unicode symbols, numbers (0-9), dashes (-), underscores (_), apostrophes (\'), and periods (.)');
    if ([...state.users.values()].some((u) => u.name.toLowerCase() === name.toLowerCase())) {
      return serverError(flavor, 400, `A user with the name '${name}' already exists.`);
    }
    const user = state.createUser(name);
    if (flavor === 'emby') {
      const copyFrom = field(req.body, 'CopyFromUserId');
      const options = field(req.body, 'UserCopyOptions');
      if (typeof copyFrom === 'string' && copyFrom) {
        const template = state.findUser(copyFrom);
        if (!template) {
          state.users.delete(user.id);
          return userNotFound();
        }
        const what = Array.isArray(options) ? options : [];
        if (what.includes('UserPolicy')) user.policy = structuredClone(template.policy);
        if (what.includes('UserConfiguration')) user.configuration = structuredClone(template.configuration);
      }
    } else {
      const password = field(req.body, 'Password');
      if (typeof password === 'string' && password !== '') {
        // Jellyfin creates the user first and sets the password afterwards, so a refused
        // password leaves the new user behind (UserController.CreateUserByName).
        if (password.length < ctx.settings.minPasswordLength) return serverError(flavor, 400, 'Password does not meet the requirements.');
        user.password = password;
      }
    }
    state.emit({ type: 'user_updated', userId: user.id });
    return ok(userDto(state, user));
  });

  const setPassword = (userId: string | null, req: FakeRequest, caller: Caller): FakeResponse => {
    const user = userId ? state.findUser(userId) : caller.kind === 'user' ? state.users.get(caller.userId) : undefined;
    if (!user) return userNotFound();
    const self = caller.kind === 'user' && caller.userId === user.id;
    const admin = caller.kind === 'api_key' || (caller.kind === 'user' && caller.admin);
    if (!self && !admin) return plain(403, 'User is not allowed to update the password.');
    if (field(req.body, 'ResetPassword') === true) {
      user.password = '';
      return success();
    }
    const current = (field(req.body, 'CurrentPw') ?? field(req.body, 'CurrentPassword') ?? '') as string;
    if (!admin && user.password !== '' && current !== user.password) return plain(403, 'Invalid user or password entered.');
    const next = field(req.body, 'NewPw');
    if (typeof next !== 'string') return validationProblem({ NewPw: ['The NewPw field is required.'] });
    if (next.length < ctx.settings.minPasswordLength) return serverError(flavor, 400, 'Password does not meet the requirements.');
    user.password = next;
    return success();
  };
  if (flavor === 'jellyfin') ctx.route('POST', '/Users/Password', (req, caller) => setPassword(q(req, 'userId'), req, caller), 'user');
  ctx.route('POST', '/Users/:id/Password', (req, caller) => setPassword(req.params.id!, req, caller), 'user');

  ctx.route('POST', '/Users/:id/Policy', (req) => {
    const user = state.findUser(req.params.id!);
    const record = (status: number): void => {
      state.policyPosts.push({ userId: req.params.id!, body: req.body, status });
    };
    if (!user) {
      record(404);
      return userNotFound();
    }
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      record(400);
      return validationProblem({ userPolicy: ['The userPolicy field is required.'] });
    }
    const policy = body as Json;
    const required = flavor === 'jellyfin' ? ['AuthenticationProviderId', 'PasswordResetProviderId'] : ['AuthenticationProviderId'];
    const errors: Record<string, string[]> = {};
    for (const key of required) {
      if (typeof policy[key] !== 'string' || policy[key] === '') errors[key] = [`The ${key} field is required.`];
    }
    if (Object.keys(errors).length > 0) {
      record(400);
      return validationProblem(errors);
    }
    // The check reads the stored flag, not the posted one (§9.9).
    if (flavor === 'jellyfin' && user.policy.IsAdministrator === true && policy.IsDisabled === true) {
      record(403);
      return plain(403, 'Administrators cannot be disabled.');
    }
    if (user.policy.IsAdministrator === true && policy.IsAdministrator !== true && state.adminCount(user.id) === 0) {
      record(403);
      return plain(403, 'There must be at least one user in the system with administrative access.');
    }
    record(204);
    user.policy = structuredClone(policy);
    if (user.policy.IsDisabled === true) for (const [token, id] of state.userTokens) if (id === user.id) state.userTokens.delete(token);
    state.emit({ type: 'user_updated', userId: user.id });
    return success();
  });

  const setConfiguration = (userId: string | null, req: FakeRequest, caller: Caller): FakeResponse => {
    const user = userId ? state.findUser(userId) : caller.kind === 'user' ? state.users.get(caller.userId) : undefined;
    if (!user) return userNotFound();
    if (caller.kind === 'user' && !caller.admin && caller.userId !== user.id) return plain(403, 'User configuration update not allowed');
    if (!req.body || typeof req.body !== 'object') return validationProblem({ userConfiguration: ['The userConfiguration field is required.'] });
    user.configuration = structuredClone(req.body as Json);
    state.emit({ type: 'user_updated', userId: user.id });
    return success();
  };
  if (flavor === 'jellyfin') ctx.route('POST', '/Users/Configuration', (req, caller) => setConfiguration(q(req, 'userId'), req, caller), 'user');
  ctx.route('POST', '/Users/:id/Configuration', (req, caller) => setConfiguration(req.params.id!, req, caller), 'user');

  const deleteUser = (req: FakeRequest): FakeResponse => {
    const user = state.findUser(req.params.id!);
    if (!user) return userNotFound();
    if (user.policy.IsAdministrator === true && state.adminCount(user.id) === 0) return serverError(flavor, 400, 'There must be at least one user in the system with administrative access.');
    state.deleteUser(user);
    return success();
  };
  ctx.route('DELETE', '/Users/:id', deleteUser);
  if (flavor === 'emby') ctx.route('POST', '/Users/:id/Delete', deleteUser);

  ctx.route(
    'GET',
    '/Users/:id',
    (req, caller) => {
      const user = state.findUser(req.params.id!);
      if (!user) return userNotFound();
      if (caller.kind === 'user' && !caller.admin && caller.userId !== user.id) return empty(403);
      return ok(userDto(state, user));
    },
    'user',
  );

  // UpdateUser: the whole UserDto; only a changed Name matters to Usher (UserManager.RenameUser
  // validates it and refuses a name another user has). Jellyfin 10.9+ takes ?userId=, older
  // Jellyfin and Emby the id in the path.
  const updateUser = (userId: string | null, req: FakeRequest): FakeResponse => {
    const user = userId ? state.findUser(userId) : undefined;
    if (!user) return userNotFound();
    const name = field(req.body, 'Name');
    if (typeof name !== 'string' || name === '') return validationProblem({ Name: ['The Name field is required.'] });
    if (name !== user.name) {
      if (!VALID_USERNAME.test(name)) return serverError(flavor, 400, 'Usernames can contain unicode symbols, numbers (0-9), dashes (-), underscores (_), apostrophes (\'), and periods (.)');
      if ([...state.users.values()].some((u) => u.id !== user.id && u.name.toLowerCase() === name.toLowerCase())) {
        return serverError(flavor, 400, `A user with the name '${name}' already exists.`);
      }
      user.name = name;
      state.emit({ type: 'user_updated', userId: user.id });
    }
    return success();
  };
  if (flavor === 'jellyfin') ctx.route('POST', '/Users', (req) => updateUser(q(req, 'userId'), req));
  ctx.route('POST', '/Users/:id', (req) => updateUser(req.params.id!, req));

  registerDisplayPreferences(ctx);
  if (flavor === 'emby') registerConnect(ctx);
}

function registerDisplayPreferences(ctx: RouteContext): void {
  const { state, flavor } = ctx;
  const target = (req: FakeRequest, caller: Caller): FakeUser | FakeResponse => {
    const userId = q(req, 'userId') ?? (caller.kind === 'user' ? caller.userId : null);
    if (!userId) return serverError(flavor, 400, 'UserId is required');
    const user = state.findUser(userId);
    if (!user) return userNotFound();
    if (caller.kind === 'user' && !caller.admin && caller.userId !== user.id) return empty(403);
    return user;
  };
  ctx.route(
    'GET',
    '/DisplayPreferences/:id',
    (req, caller) => {
      const client = q(req, 'client');
      if (!client) return validationProblem({ client: ['The client field is required.'] });
      const user = target(req, caller);
      if (!('id' in user)) return user;
      const key = `${req.params.id!.toLowerCase()}|${client.toLowerCase()}`;
      return ok(user.displayPreferences.get(key) ?? defaultDisplayPreferences(flavor, req.params.id!, client));
    },
    'user',
  );
  ctx.route(
    'POST',
    '/DisplayPreferences/:id',
    (req, caller) => {
      const bodyClient = field(req.body, 'Client');
      // Jellyfin requires ?client=; Emby takes the client from the body.
      const client = q(req, 'client') ?? (flavor === 'emby' && typeof bodyClient === 'string' ? bodyClient : null);
      if (!client) return validationProblem({ client: ['The client field is required.'] });
      const user = target(req, caller);
      if (!('id' in user)) return user;
      if (!req.body || typeof req.body !== 'object') return validationProblem({ displayPreferences: ['The displayPreferences field is required.'] });
      user.displayPreferences.set(`${req.params.id!.toLowerCase()}|${client.toLowerCase()}`, structuredClone(req.body as Json));
      return empty(204);
    },
    'user',
  );
}

/** Emby Connect link/unlink (§9.8). */
function registerConnect(ctx: RouteContext): void {
  const { state } = ctx;
  ctx.route('POST', '/Users/:id/Connect/Link', (req) => {
    const user = state.findUser(req.params.id!);
    if (!user) return userNotFound();
    const wanted = q(req, 'ConnectUsername')?.trim() ?? '';
    if (!wanted) return plain(400, 'Value cannot be null.\nParameter name: connectUsername');
    const account = [...state.connectAccounts.values()].find((a) => a.name.toLowerCase() === wanted.toLowerCase() || a.email?.toLowerCase() === wanted.toLowerCase());
    if (!account) return plain(500, 'Response status code does not indicate success: 404 (Not Found).');
    if (account.state === 'inactive') return plain(400, 'The Emby account has been disabled.');
    const holder = [...state.users.values()].find((u) => u.id !== user.id && u.connectUserName === account.name);
    if (holder) return plain(500, `This connect user is already linked to local user ${holder.name}`);
    user.connectUserName = account.name;
    state.emit({ type: 'user_updated', userId: user.id });
    return ok({ IsPending: account.state === 'pending', IsNewUserInvitation: false, GuestDisplayName: account.name });
  });
  const unlink = (req: FakeRequest): FakeResponse => {
    const user = state.findUser(req.params.id!);
    if (!user) return userNotFound();
    user.connectUserName = null;
    return empty(200);
  };
  ctx.route('DELETE', '/Users/:id/Connect/Link', unlink);
  ctx.route('POST', '/Users/:id/Connect/Link/Delete', unlink);
}
