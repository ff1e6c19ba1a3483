/**
 * The secret backend as deployed. `sst deploy` reads the choice from its environment:
 *   SECRET_BACKEND=aws-secrets-manager (default) or vault; the laptop's local store cannot deploy.
 *   Secrets Manager: names under aurora/<stage>/ (SECRETS_MANAGER_PREFIX), optional
 *     SECRETS_MANAGER_KMS_KEY_ID; functions get IAM on arn:...:secret:aurora/<stage>/* only.
 *   Vault: VAULT_ADDR and VAULT_AWS_ROLE (the role of Vault's AWS auth method bound to the
 *     functions' IAM roles), optional VAULT_AWS_AUTH_MOUNT, VAULT_AWS_HEADER_VALUE, VAULT_MOUNT,
 *     VAULT_PREFIX (default aurora/<stage>), VAULT_NAMESPACE. No Vault token is deployed: each
 *     function logs in with its own role (lib/secrets/vault-auth.ts).
 * App credentials that lib/config declares secret (OAuth client secrets, ...) are SST secrets,
 * named after the setting (GOOGLE_CLIENT_SECRET → GoogleClientSecret), empty until
 * `sst secret set`. They are only ever linked: SST encrypts linked values into the function's
 * bundle, and lib/config.ts reads them with the `sst` package's Resource. No function's
 * environment holds a secret's value (test/unit/stacks-deploy.test.ts).
 * What each function may see is decided by lib/stacks-plan.ts from its `secrets` capability.
 */
import { deploySettings, type DeploySettings } from "../lib/stacks-plan.ts";

export interface SecretsStack {
  settings: DeploySettings;
  /** SST secrets by component name, for links */
  linkables: Record<string, sst.Secret>;
}

export async function createSecrets(): Promise<SecretsStack> {
  const { allSettings } = await import("../lib/config.ts");
  // with the stage: identity mistakes (trusted-header on a public endpoint, production without an
  // issuer or a console origin) and an incomplete Vault fail here, before any resource is declared
  const settings = deploySettings(process.env, allSettings(), $app.stage);
  const linkables: Record<string, sst.Secret> = {};
  for (const name of Object.values(settings.appSecrets)) {
    // optional at deploy time: the function reports a clear configuration error when one it needs is empty
    linkables[name] = new sst.Secret(name, "");
  }
  return { settings, linkables };
}
