// The two built-in roles have fixed ids on every install (see the server's roles repository).
export const ADMIN_ROLE_ID = 'role-administrator';
export const USER_ROLE_ID = 'role-user';
