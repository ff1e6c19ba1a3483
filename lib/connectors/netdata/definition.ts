/**
 * Netdata Cloud as data: its API token (a bearer token of User Settings → API Tokens, scoped), the
 * API paths we call, the webhook integration's authentication and handshake, and the messages users
 * see. The reference implementation never validated the token; we do, against GET /api/v2/spaces.
 */
export const netdata = {
  tokenPattern: /^[A-Za-z0-9._~+/=-]{24,512}$/,
  paths: {
    spaces: '/api/v2/spaces',
  },
  /** the webhook integration sends our per-connection secret as a bearer token ("Authentication: Bearer") */
  authHeader: 'Authorization',
  authScheme: 'Bearer',
  messages: {
    connected: 'Netdata connected successfully',
    disconnected: 'Netdata disconnected successfully',
    tokenRejected: 'Netdata Cloud rejected the API token: check it (User Settings → API Tokens) and that it has not been revoked',
    scopeTooNarrow: 'The Netdata API token may not list spaces: create it with scope:all',
    noSpace: 'The Netdata API token reaches no space',
    spaceUnknown: (name: string, known: string[]) => `space_name "${name}" is not a space of this token (it reaches: ${known.join(', ')})`,
    spaceNeeded: (known: string[]) => `space_name is required: this token reaches several spaces (${known.join(', ')})`,
    spaceGone: 'The Netdata API token no longer reaches the connected space; reconnect Netdata',
  },
} as const;

export interface NetdataSpace {
  id: string;
  slug: string;
  name: string;
}

/** The space a connect names (by name, slug or id, case-insensitive), the only one when none is named; a message otherwise. */
export function pickSpace(spaces: NetdataSpace[], wanted: string | undefined): NetdataSpace | { error: string } {
  const names = spaces.map((s) => s.name);
  if (spaces.length === 0) return { error: netdata.messages.noSpace };
  if (wanted === undefined) return spaces.length === 1 ? spaces[0] : { error: netdata.messages.spaceNeeded(names) };
  const w = wanted.trim().toLowerCase();
  return spaces.find((s) => s.name.toLowerCase() === w || s.slug.toLowerCase() === w || s.id.toLowerCase() === w) ?? { error: netdata.messages.spaceUnknown(wanted, names) };
}
