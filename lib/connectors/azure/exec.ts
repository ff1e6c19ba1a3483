import { join } from 'node:path';
import { ProviderAuthError } from '../../errors.ts';
import { SecretValue } from '../../secret-value.ts';
import { kube, required, type ExecProfile } from '../kit/exec.ts';

/**
 * The az CLI cannot take a bare access token, so it logs in as the user's service principal
 * inside the run's own AZURE_CONFIG_DIR first (a second spawn, no shell, before the user's
 * command starts); the login lives and dies with that directory. The secret reaches az as a file
 * in the run's HOME (az reads `@<file>` argument values), never in argv, where
 * /proc/<pid>/cmdline would show it. kubectl runs need no login.
 */
export const exec: ExecProfile = {
  accountSelection: 'prefer',
  configEnv: (home) => ({
    AZURE_CONFIG_DIR: join(home, '.azure'),
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    AZURE_CORE_OUTPUT: 'json',
    AZURE_CORE_LOGIN_EXPERIENCE_V2: 'off',
    AZURE_EXTENSION_USE_DYNAMIC_INSTALL: 'no',
    ...kube(home),
  }),
  // The connection's service principal, as the Azure adapter stores it (secret read per use).
  source: async ({ d, connection }) => {
    const { servicePrincipalOf } = await import('./principal.ts');
    const sp = await servicePrincipalOf(d, connection);
    if (!sp) throw new ProviderAuthError('The stored Azure credentials are missing; log in to Azure again', { code: 'credentials_missing', status: 409 });
    return new SecretValue({ clientSecret: sp.clientSecret.reveal(), clientId: sp.clientId, tenantId: sp.tenantId });
  },
  materialize: (m, { binary }) => {
    const secret = required(m, 'clientSecret', 'azure');
    // relative to HOME, the working directory of every step
    const secretFile = '.azure/aurora-service-principal-secret';
    const login = ['az', 'login', '--service-principal', `--username=${required(m, 'clientId', 'azure')}`, `--password=@${secretFile}`, `--tenant=${required(m, 'tenantId', 'azure')}`, '--allow-no-subscriptions', '--output', 'none'];
    if (binary !== 'az') return { env: {}, files: [], prepare: [], secrets: [secret] };
    return { env: {}, files: [{ path: secretFile, content: secret }], prepare: [{ argv: login, what: 'az login' }], secrets: [secret] };
  },
};
