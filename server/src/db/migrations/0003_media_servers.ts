import { sql, type Kysely } from 'kysely';

// Servers, libraries, library groups, locations, Plex accounts and the remote accounts Usher tracks.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('plex_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text')
    .addColumn('username', 'text')
    .addColumn('plex_user_id', 'text')
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('password', 'text')
    .addColumn('proxy_url', 'text')
    .addColumn('proxy_username', 'text')
    .addColumn('proxy_password', 'text')
    .addColumn('has_plex_pass', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('plex_pass_override', 'boolean')
    .addColumn('token_status', 'text', (c) => c.notNull())
    .addColumn('token_checked_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('plex_accounts_user_idx').on('plex_accounts').column('plex_user_id').unique().execute();

  await db.schema
    .createTable('server_locations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('servers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text')
    .addColumn('version', 'text')
    .addColumn('plex_account_id', 'text', (c) => c.references('plex_accounts.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('api_key', 'text')
    .addColumn('allow_self_signed', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('location_id', 'text', (c) => c.references('server_locations.id').onDelete('set null'))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('allow_new_subscriptions', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('allow_trials', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('max_users', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('allow_4k_transcoding', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('log_streaming', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('log_downloads', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('has_emby_premiere', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_message', 'text')
    .addColumn('members_imported_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('servers_machine_idx').on('servers').columns(['kind', 'machine_id']).execute();

  await db.schema
    .createTable('library_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('builtin', 'text', (c) => c.unique())
    .addColumn('locked', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('libraries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('server_id', 'text', (c) => c.notNull().references('servers.id').onDelete('cascade'))
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull().references('library_groups.id'))
    .addColumn('item_count', 'integer')
    .addColumn('removed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('libraries_server_remote_uq', ['server_id', 'remote_id'])
    .execute();

  await db.schema
    .createTable('members')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text')
    .addColumn('username', 'text')
    .addColumn('display_name', 'text')
    .addColumn('login_id', 'text', (c) => c.references('logins.id').onDelete('set null'))
    .addColumn('permanent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('import_expires_at', 'text')
    .addColumn('deleted_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('members_email_idx').on('members').column('email').execute();

  await db.schema
    .createTable('member_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('server_id', 'text', (c) => c.notNull().references('servers.id').onDelete('cascade'))
    .addColumn('member_id', 'text', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('email', 'text')
    .addColumn('display_name', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('libraries', 'text', (c) => c.notNull())
    .addColumn('allow_downloads', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('share_id', 'text')
    .addColumn('invited_at', 'text')
    .addColumn('accepted_at', 'text')
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('member_accounts_server_remote_uq', ['server_id', 'remote_id'])
    .execute();
  await db.schema.createIndex('member_accounts_member_idx').on('member_accounts').column('member_id').execute();

  const now = new Date().toISOString();
  await sql`insert into library_groups (id, name, builtin, locked, created_at) values
    ('group-private', 'Private', 'private', ${true}, ${now}),
    ('group-standard', 'Standard', 'standard', ${true}, ${now}),
    ('group-premium-4k', 'Premium 4K', 'premium4k', ${false}, ${now})`.execute(db);
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the media servers migration cannot be rolled back'));
}
