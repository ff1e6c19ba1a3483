import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for the requests we sign ourselves: every DynamoDB call
 * (lib/db/dynamodb.ts), the function's own sts:GetCallerIdentity, which Vault's AWS IAM auth
 * method replays to STS to learn which role is calling (lib/secrets/vault-auth.ts), and the AWS
 * connector's two STS actions (lib/connectors/aws/query.ts). A few lines of node:crypto rather
 * than a signer package.
 * test/fakes/vault.ts checks every signature with aws4fetch, an independent implementation, and
 * the STS simulator (lib/connectors/aws/simulator.ts) with its own.
 */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignableRequest {
  method: string;
  url: string;
  /** header names in any case; host is added */
  headers: Record<string, string>;
  body: string;
}

const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();
// RFC 3986 unreserved characters stay; everything else is %XX (what SigV4 calls UriEncode)
export const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** "20261202T080000Z" */
export function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** The request's headers with host, x-amz-date, the session token and Authorization added. */
export function signRequest(req: SignableRequest, creds: SigningCredentials, scope: { region: string; service: string }, now: Date): Record<string, string> {
  const url = new URL(req.url);
  const date = amzDate(now);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v;
  headers.host = url.host;
  headers['x-amz-date'] = date;
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  // every service but S3 signs the path encoded twice: the path as sent (already percent-encoded,
  // e.g. a connection id's "=" as %3D in /@connections/{id}) is encoded once more, as the SDK's
  // signer and aws4fetch do; a path of unreserved characters (STS's and DynamoDB's "/") is the same either way
  const path = url.pathname.split('/').map(uriEncode).join('/') || '/';
  const query = [...url.searchParams].map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).sort().join('&');
  const canonicalRequest = [req.method.toUpperCase(), path, query, canonicalHeaders, signedHeaders, sha256Hex(req.body)].join('\n');
  const credentialScope = `${date.slice(0, 8)}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${creds.secretAccessKey}`, date.slice(0, 8));
  const kSigning = hmac(hmac(hmac(kDate, scope.region), scope.service), 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
