import { render } from 'preact';
import { loadConfig } from './config.ts';
import { oidcIdentity, trustedIdentity, trustedUser, type Identity } from './identity.ts';
import { navigate } from './router.tsx';
import { App } from './app.tsx';
import './styles.css';

async function boot(): Promise<void> {
  const root = document.getElementById('app')!;
  try {
    const config = await loadConfig();
    let identity: Identity;
    if (config.auth_mode === 'jwt') {
      if (!config.oidc) throw new Error('This deployment identifies users by JWT but names no OIDC issuer and client for the console (JWT_ISSUER, CONSOLE_OIDC_CLIENT_ID).');
      const r = await oidcIdentity(config.oidc);
      identity = r.identity;
      if (r.returnTo) navigate(r.returnTo, { replace: true });
    } else identity = trustedIdentity(trustedUser());
    render(<App config={config} identity={identity} />, root);
  } catch (e) {
    render(
      <main class="page" id="main">
        <h1>The console could not start</h1>
        <p role="alert">{(e as Error).message || 'Unknown error'}</p>
      </main>,
      root,
    );
  }
}

void boot();
