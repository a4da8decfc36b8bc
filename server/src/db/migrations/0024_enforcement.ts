import type { Kysely } from 'kysely';

/**
 * Stream enforcement (issue 11): each plan chooses whether a member over the stream limit loses the
 * newest streams or all of them; what played and what was stopped is kept (stream history, member
 * warnings); and one lease row lets only one of several instances sharing a database watch servers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // 'newest' (stop only the streams over the limit, newest first) or 'all' (the reference's behaviour).
  await db.schema.alterTable('plans').addColumn('stream_limit_policy', 'text', (c) => c.notNull().defaultTo('newest')).execute();

  await db.schema
    .createTable('stream_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('server_id', 'text', (c) => c.notNull().references('servers.id').onDelete('cascade'))
    .addColumn('session_id', 'text', (c) => c.notNull())
    // null: an account Usher does not manage (the owner, a Home user, an unimported account).
    .addColumn('member_id', 'text', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('account_remote_id', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('device', 'text')
    .addColumn('player', 'text')
    .addColumn('ip', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('source_4k', 'boolean', (c) => c.notNull())
    .addColumn('video_transcode', 'boolean', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    // Set when Usher stopped it: the rule that did ('stream_limit' | 'transcode' | 'transcode_4k').
    .addColumn('stopped_for', 'text')
    .execute();
  await db.schema.createIndex('stream_history_open_idx').on('stream_history').columns(['server_id', 'session_id', 'ended_at']).execute();
  await db.schema.createIndex('stream_history_member_idx').on('stream_history').columns(['member_id', 'started_at']).execute();
  await db.schema.createIndex('stream_history_started_idx').on('stream_history').column('started_at').execute();

  await db.schema
    .createTable('member_warnings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('server_id', 'text', (c) => c.references('servers.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull()) // 'stream_limit' | 'transcode' | 'transcode_4k'
    .addColumn('details', 'text', (c) => c.notNull()) // JSON
    // One warning per stopped (or stoppable) session and rule, however often it is seen.
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('member_warnings_member_idx').on('member_warnings').columns(['member_id', 'at']).execute();

  await db.schema
    .createTable('service_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the enforcement migration cannot be rolled back'));
}
