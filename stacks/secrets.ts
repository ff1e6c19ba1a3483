/**
 * The secret backend as deployed. `sst deploy` reads the choice from its environment:
 *   SECRET_BACKEND=aws-secrets-manager (default) or vault; the laptop's local store cannot deploy.
 *   Secrets Manager: names under aurora/<stage>/ (SECRETS_MANAGER_PREFIX), optional
 *     SECRETS_MANAGER_KMS_KEY_ID; functions get IAM on arn:...:secret:aurora/<stage>/* only.
 *   Vault: `sst secret set VaultAddr https://...` and `sst secret set VaultToken ...`; optional
 *     VAULT_MOUNT, VAULT_PREFIX (default aurora/<stage>), VAULT_NAMESPACE.
 * App credentials that lib/config declares secret (OAuth client secrets, ...) are SST secrets too,
 * named after the setting (GOOGLE_CLIENT_SECRET → GoogleClientSecret), empty until set.
 * What each function may see is decided by lib/stacks-plan.ts from its `secrets` capability.
 */
import { VAULT_SECRETS, TOKENS, tokenKey, deploySettings, type DeploySettings } from "../lib/stacks-plan.ts";

export interface SecretsStack {
  settings: DeploySettings;
  /** SST secrets by component name, for links */
  linkables: Record<string, sst.Secret>;
  /** "secret.<Name>" token values */
  values: Record<string, $util.Output<string>>;
}

export async function createSecrets(): Promise<SecretsStack> {
  const { allSettings } = await import("../lib/config.ts");
  // with the stage: identity mistakes (trusted-header on a public endpoint, production without an
  // issuer or a console origin) fail here, before any resource is declared
  const settings = deploySettings(process.env, allSettings(), $app.stage);
  const linkables: Record<string, sst.Secret> = {};
  if (settings.secretBackend === "vault") {
    // required: deploy fails with "Set a value for VaultToken ..." until they are set
    for (const name of Object.values(VAULT_SECRETS)) linkables[name] = new sst.Secret(name);
  }
  for (const name of Object.values(settings.appSecrets)) {
    // optional at deploy time: the function reports a clear configuration error when one it needs is empty
    linkables[name] = new sst.Secret(name, "");
  }
  const values = Object.fromEntries(
    Object.entries(linkables).map(([name, s]) => [tokenKey(TOKENS.secret(name)), s.value]),
  );
  return { settings, linkables, values };
}
