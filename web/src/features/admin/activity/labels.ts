/** How enforcement rules and decisions read on the admin pages. */
export const RULE_LABEL: Record<string, string> = {
  stream_limit: 'Too many streams',
  transcode: 'Transcoding not allowed',
  transcode_4k: '4K transcoding not allowed',
};

export const VERDICT: Record<string, { label: string; color: string; hint: string }> = {
  ok: { label: 'Within plan', color: 'green', hint: 'Nothing to do.' },
  exempt: { label: 'Exempt', color: 'gray', hint: 'Permanent members are exempt from limits (Settings → Enforcement).' },
  unmanaged: { label: 'Not a member', color: 'gray', hint: 'An account Usher does not manage (owner, Home user or not imported): only shown.' },
  stop: { label: 'Stopped', color: 'red', hint: 'Breaks the plan: stopped with the on-screen message.' },
  report: { label: 'Warned', color: 'orange', hint: 'Breaks the plan, but this server cannot stop streams (Plex without Plex Pass): the member is told and warned.' },
};
