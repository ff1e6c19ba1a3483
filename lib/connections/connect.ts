import type { Deps } from '../deps.ts';
import { secret } from '../secret-value.ts';
import type { Verify } from '../connectors/kit/behaviour.ts';
import type { ConnectorDef } from '../connectors/kit/define.ts';
import { saveConnection } from './service.ts';
import type { Connection } from './types.ts';

/**
 * A connector's connect route (its `connect` data, served generically): the form, already
 * validated against the connector's fields, is checked against the provider by its verify.ts;
 * then the secret fields, and only they, go to the secret store and the rest of what verify
 * returned to the record (saveConnection: secret first, record second).
 */
export async function connectWith(d: Deps, def: ConnectorDef, verify: Verify, userId: string, input: Record<string, string | undefined>): Promise<Record<string, unknown>> {
  const v = await verify(d, userId, input);
  const secretFields = def.fields.filter((f) => f.secret).map((f) => f.name);
  const leaked = Object.keys(v.metadata).filter((k) => secretFields.includes(k));
  // a programming error, never the user's: the record must not hold a credential
  if (leaked.length) throw new Error(`${def.id}: verify put the secret field(s) ${leaked.join(', ')} in the record's metadata`);
  const doc = Object.fromEntries(secretFields.filter((n) => input[n] !== undefined).map((n) => [n, input[n]]));
  const conn = await saveConnection(d, {
    userId,
    provider: def.id as Connection['provider'],
    accountId: v.accountId,
    accountName: v.accountName,
    metadata: v.metadata,
    secret: def.storesSecret && Object.keys(doc).length > 0 ? secret(doc) : undefined,
  });
  if (v.after) await v.after(conn);
  return v.response;
}
