import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CONSOLE_PAGES, type ConsoleConfig } from '../pages.ts';
import { createApi } from './api.ts';
import { loadCatalogue } from './catalogue.ts';
import { CommandsPage } from './commands/page.tsx';
import { ConnectorsPage } from './connectors/page.tsx';
import { AppContext, type App as AppValue } from './context.ts';
import { rememberUser, trustedIdentity, type Identity } from './identity.ts';
import { KubernetesPage } from './kubernetes/page.tsx';
import { ApprovalsPage } from './agents/approvals.tsx';
import { AgentsPage } from './agents/agents.tsx';
import { Link, navigate, useLocation } from './router.tsx';

const TITLES: Record<string, string> = {
  [CONSOLE_PAGES.connectors]: 'Connectors',
  [CONSOLE_PAGES.commands]: 'Commands',
  [CONSOLE_PAGES.kubernetes]: 'Kubernetes',
  [CONSOLE_PAGES.approvals]: 'Approvals',
  [CONSOLE_PAGES.agents]: 'Agents',
};

function TrustedUser(props: { user: string; onChange: (u: string) => void }): JSX.Element {
  const [draft, setDraft] = useState(props.user);
  useEffect(() => setDraft(props.user), [props.user]);
  const submit = (e: Event) => {
    e.preventDefault();
    const u = draft.trim();
    if (u && u !== props.user) props.onChange(u);
    else setDraft(props.user);
  };
  return (
    <form class="whoami" onSubmit={submit} aria-describedby="whoami-help">
      <label for="signed-in-as">Signed in as</label>
      <input id="signed-in-as" value={draft} spellcheck={false} autoComplete="username" maxLength={128} onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)} onBlur={submit} />
      <button type="submit" class="small">
        Switch
      </button>
      <span id="whoami-help" class="visually-hidden">
        Local mode: requests are sent as this user id (the X-User-ID header).
      </span>
    </form>
  );
}

export function App(props: { config: ConsoleConfig; identity: Identity }): JSX.Element {
  const [identity, setIdentity] = useState(props.identity);
  const [announcement, setAnnouncement] = useState('');
  const { path } = useLocation();
  const api = useMemo(() => createApi(props.config.api_url, identity.headers), [identity]);
  const [hasClusters, setHasClusters] = useState(false);
  const mainFocus = useRef(false);

  const app: AppValue = useMemo(() => ({ api, identity, announce: (t) => setAnnouncement(t) }), [api, identity]);
  const signedIn = identity.mode === 'trusted-header' || identity.user !== null;

  useEffect(() => {
    if (path === CONSOLE_PAGES.home) navigate(CONSOLE_PAGES.connectors + location.search, { replace: true });
  }, [path]);
  useEffect(() => {
    document.title = `${TITLES[path] ?? 'Aurora'} · Aurora Connectors`;
    // after a navigation (not the first load) focus moves to the new page's content
    if (mainFocus.current) document.getElementById('main')?.focus();
    mainFocus.current = true;
  }, [path]);
  useEffect(() => {
    if (!signedIn) return;
    loadCatalogue(api)
      .then((c) => setHasClusters(c.some((x) => x.kind === 'cluster')))
      .catch(() => setHasClusters(false));
  }, [api]);

  const page = !signedIn ? (
    <main id="main" class="page" tabIndex={-1}>
      <h1>Sign in</h1>
      <p>Sign in with your organisation's account to see and connect your clouds.</p>
      {identity.mode === 'jwt' && (
        <button type="button" class="primary" onClick={() => void identity.signIn()}>
          Sign in
        </button>
      )}
    </main>
  ) : path === CONSOLE_PAGES.connectors || path === CONSOLE_PAGES.home ? (
    <ConnectorsPage />
  ) : path === CONSOLE_PAGES.commands ? (
    <CommandsPage />
  ) : path === CONSOLE_PAGES.kubernetes ? (
    <KubernetesPage />
  ) : path === CONSOLE_PAGES.approvals ? (
    <ApprovalsPage />
  ) : path === CONSOLE_PAGES.agents ? (
    <AgentsPage />
  ) : (
    <main id="main" class="page" tabIndex={-1}>
      <h1>Page not found</h1>
      <p>
        <Link href={CONSOLE_PAGES.connectors}>Go to the connectors</Link>
      </p>
    </main>
  );

  return (
    <AppContext.Provider value={app}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="brand">Aurora Connectors</div>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link href={CONSOLE_PAGES.connectors} current={path === CONSOLE_PAGES.connectors}>
                Connectors
              </Link>
            </li>
            <li>
              <Link href={CONSOLE_PAGES.commands} current={path === CONSOLE_PAGES.commands}>
                Commands
              </Link>
            </li>
            <li>
              <Link href={CONSOLE_PAGES.approvals} current={path === CONSOLE_PAGES.approvals}>
                Approvals
              </Link>
            </li>
            <li>
              <Link href={CONSOLE_PAGES.agents} current={path === CONSOLE_PAGES.agents}>
                Agents
              </Link>
            </li>
            {hasClusters && (
              <li>
                <Link href={CONSOLE_PAGES.kubernetes} current={path === CONSOLE_PAGES.kubernetes}>
                  Kubernetes
                </Link>
              </li>
            )}
          </ul>
        </nav>
        {identity.mode === 'trusted-header' ? (
          <TrustedUser
            user={identity.user}
            onChange={(u) => {
              rememberUser(u);
              setIdentity(trustedIdentity(u));
              setAnnouncement(`Now acting as ${u}.`);
            }}
          />
        ) : identity.user ? (
          <div class="whoami">
            <span>
              Signed in as <strong>{identity.user}</strong>
            </span>
            <button type="button" class="small" onClick={() => void identity.signOut()}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      {/* a fresh page per user: nothing of the previous user's state survives a switch */}
      <div key={identity.mode === 'trusted-header' ? identity.user : (identity.user ?? '')}>{page}</div>
      <div class="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </div>
    </AppContext.Provider>
  );
}
