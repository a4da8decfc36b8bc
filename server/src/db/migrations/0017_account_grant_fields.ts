import type { Kysely } from 'kysely';

/**
 * The session cap and video-transcoding flag a Jellyfin/Emby account has, as sync read them or as
 * the last applied grant left them. Without them a plan edit that changes only the stream cap or
 * transcoding looks like "nothing to do" to the reconciler. null = not known (Plex has neither, and
 * rows from before this migration): the reconciler does not compare an unknown field, and the next
 * sync of a Jellyfin/Emby server fills them in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('member_accounts').addColumn('allow_transcoding', 'boolean').execute();
  await db.schema.alterTable('member_accounts').addColumn('session_cap', 'integer').execute();
}

export function down(): Promise<void> {
  return Promise.reject(new Error('the account grant fields migration cannot be rolled back'));
}
