import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { messageOf } from '../api.ts';
import { KIND_HEADINGS, KIND_ORDER, loadCatalogue, pathFor, type Account, type Connector, type ConnectorStatus } from '../catalogue.ts';
import { useApp } from '../context.ts';
import { dropParams, useLocation } from '../router.tsx';
import { Badge, Dialog, Notice, statusWords, type BadgeKind } from '../ui.tsx';
import { ConnectDialog } from './connect-dialog.tsx';
import { EXTRAS } from './extras.tsx';
import { PreferenceEditor } from './preference.tsx';
import { SetupProgress } from './setup-progress.tsx';

interface Loaded {
  catalogue: Connector[];
  accounts: Account[];
  statuses: Record<string, ConnectorStatus | { failed: string }>;
}

/** The OAuth flows come back here as ?login=<connector>_<outcome>&task_id=…&reason=… (FRONTURL). */
const RETURN_PARAMS = ['login', 'task_id', 'reason', 'error', 'endpoint', 'message'];

const REASON_WORDS: Record<string, string> = {
  access_denied: 'the consent was declined',
  invalid_state: 'the sign-in could not be matched to this browser (it expired, was already used, or was started in another browser)',
  invalid_request: 'the provider refused the request',
  server_error: 'the provider failed',
  temporarily_unavailable: 'the provider is temporarily unavailable',
};
const reasonWords = (r: string) => REASON_WORDS[r] ?? r.replace(/_/g, ' ');

interface LoginReturn {
  kind: 'success' | 'error' | 'info';
  text: string;
  connector?: Connector;
  taskId?: string;
}

/** The words for an OAuth return, from the catalogue's names (no connector is special-cased). */
function readReturn(params: URLSearchParams, catalogue: Connector[]): LoginReturn | null {
  const login = params.get('login');
  const error = params.get('error');
  const reason = params.get('reason') ?? params.get('message');
  if (!login && !error) return null;
  const m = login ? /^(.+?)_(success|setup_pending|failed|failure|error)$/.exec(login) : null;
  const connector = m ? catalogue.find((c) => c.id === m[1]) : undefined;
  const name = connector?.name ?? 'The provider';
  if (m?.[2] === 'success') return { kind: 'success', text: `${name} is connected.`, connector };
  if (m?.[2] === 'setup_pending') return { kind: 'info', text: `${name} accepted the sign-in. Finishing the setup…`, connector, taskId: params.get('task_id') ?? undefined };
  const why = reason ?? error ?? undefined;
  return { kind: 'error', text: `${name} could not be connected${why ? `: ${reasonWords(why)}` : ''}. You can try again.`, connector };
}

function badgeOf(accounts: Account[], status: ConnectorStatus | { failed: string } | undefined): { kind: BadgeKind; reason?: string } {
  if (status && 'failed' in status) return { kind: 'error', reason: status.failed };
  if (status?.status === 'connected' || status?.status === 'pending' || status?.status === 'error' || status?.status === 'not_connected') return { kind: status.status, reason: status.reason };
  if (accounts.some((a) => a.status === 'pending')) return { kind: 'pending' };
  if (status?.connected) return { kind: 'connected' };
  const broken = accounts.find((a) => a.status === 'error');
  if (broken) return { kind: 'error', reason: broken.status_reason ?? status?.reason };
  if (accounts.some((a) => a.status === 'connected')) return status ? { kind: 'error', reason: status.reason ?? 'The provider did not confirm the connection.' } : { kind: 'connected' };
  return { kind: 'not_connected' };
}

export function ConnectorsPage(): JSX.Element {
  const { api, announce } = useApp();
  const { params } = useLocation();
  const [data, setData] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<LoginReturn | null>(null);
  const [setup, setSetup] = useState<{ connector: Connector; taskId: string } | null>(null);
  const [dialog, setDialog] = useState<Connector | null>(null);
  const [removing, setRemoving] = useState<{ connector: Connector; account: Account } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const reload = () => setTick((t) => t + 1);

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const [catalogue, accounts] = await Promise.all([loadCatalogue(api), api.get<Account[]>('/api/user_connections')]);
        // live status only where there is something to check
        const withAccounts = catalogue.filter((c) => accounts.some((a) => a.provider === c.id && a.status !== 'not_connected'));
        const pairs = await Promise.all(
          withAccounts.map(async (c) => {
            try {
              return [c.id, await api.get<ConnectorStatus>(pathFor(c.status_path, c))] as const;
            } catch (e) {
              return [c.id, { failed: messageOf(e) }] as const;
            }
          }),
        );
        if (!live) return;
        setData({ catalogue, accounts, statuses: Object.fromEntries(pairs) });
        setLoadError(null);
        if (tick === 0) {
          const back = readReturn(params, catalogue);
          if (back) {
            setNotice(back);
            announce(back.text);
            const flow = back.connector && EXTRAS[back.connector.id]?.setup;
            if (back.taskId && back.connector && flow) setSetup({ connector: back.connector, taskId: back.taskId });
            dropParams(RETURN_PARAMS);
          }
        }
      } catch (e) {
        if (live) setLoadError(messageOf(e));
      }
    })();
    return () => void (live = false);
  }, [tick]);

  const groups = useMemo(() => KIND_ORDER.map((kind) => ({ kind, connectors: (data?.catalogue ?? []).filter((c) => c.kind === kind) })).filter((g) => g.connectors.length), [data]);

  const act = async (key: string, what: () => Promise<unknown>, done: string) => {
    setBusy(key);
    try {
      await what();
      setNotice({ kind: 'success', text: done });
      announce(done);
      reload();
    } catch (e) {
      setNotice({ kind: 'error', text: messageOf(e) });
    } finally {
      setBusy(null);
    }
  };

  const startOAuth = async (c: Connector) => {
    if (!c.oauth) return;
    setBusy(`oauth:${c.id}`);
    try {
      const res = await api.send<Record<string, unknown>>(c.oauth.method, pathFor(c.oauth.path, c));
      const url = res?.[c.oauth.url_field];
      if (typeof url !== 'string') throw new Error('no consent URL');
      location.assign(url);
    } catch (e) {
      setNotice({ kind: 'error', text: `${c.name} sign-in could not start: ${messageOf(e)}` });
      setBusy(null);
    }
  };

  return (
    <main id="main" class="page" tabIndex={-1}>
      <h1>Connectors</h1>
      <p class="lead">Connect the clouds, tools and clusters Aurora may act on. Credentials are checked with the provider and kept in the secret store; they are never shown again.</p>
      <div class="notices">
        {notice && (
          <Notice kind={notice.kind} onDismiss={() => setNotice(null)}>
            {notice.text}
          </Notice>
        )}
        {loadError && <Notice kind="error">The connectors could not be loaded: {loadError}</Notice>}
      </div>
      {setup && EXTRAS[setup.connector.id]?.setup && <SetupProgress name={setup.connector.name} flow={EXTRAS[setup.connector.id].setup!} taskId={setup.taskId} onFinished={reload} />}
      {!data && !loadError && <p class="muted">Loading connectors…</p>}
      {groups.map((g) => (
        <section class="group" aria-labelledby={`group-${g.kind}`} key={g.kind}>
          <h2 id={`group-${g.kind}`}>{KIND_HEADINGS[g.kind]}</h2>
          <ul class="cards">
            {g.connectors.map((c) => {
              const accounts = data!.accounts.filter((a) => a.provider === c.id);
              const badge = badgeOf(accounts, data!.statuses[c.id]);
              const canConnect = !!(c.connect || c.oauth);
              const direct = !c.connect && c.oauth && c.fields.length === 0;
              return (
                <li class="card" key={c.id} aria-labelledby={`card-${c.id}`} data-connector={c.id}>
                  <div class="card-head">
                    <h3 id={`card-${c.id}`}>{c.name}</h3>
                    <Badge kind={badge.kind} />
                  </div>
                  {badge.kind === 'error' && badge.reason && <p class="reason">{badge.reason}</p>}
                  {accounts.length > 0 && (
                    <ul class="accounts" aria-label={`${c.name} accounts`}>
                      {accounts.map((a) => {
                        const key = `${c.id}:${a.account_id}`;
                        return (
                          <li class="account" key={a.account_id}>
                            <div class="account-id">
                              <span class="account-name">{a.account_name || a.account_id}</span>
                              <span class="muted">
                                {c.account_id_label}: {a.account_id}
                              </span>
                              <span class={`account-status status-${a.status}`}>{statusWords(a.status)}</span>
                              {a.status === 'error' && a.status_reason && <span class="reason">{a.status_reason}</span>}
                            </div>
                            <div class="account-actions">
                              {(a.status === 'not_connected' || a.status === 'error') && (
                                <button type="button" disabled={busy === key} onClick={() => act(key, () => api.send('POST', pathFor(c.reconnect_path, c), { account_id: a.account_id }), `${c.name} account ${a.account_name || a.account_id} is reconnected.`)} aria-label={`Reconnect ${c.name} account ${a.account_id}`}>
                                  Reconnect
                                </button>
                              )}
                              {a.status !== 'not_connected' && (
                                <button type="button" disabled={busy === key} onClick={() => act(key, () => api.send('DELETE', '/api/user_connections', { provider: c.id, account_id: a.account_id }), `${c.name} account ${a.account_name || a.account_id} is disconnected; its credentials are kept for a reconnect.`)} aria-label={`Disconnect ${c.name} account ${a.account_id}`}>
                                  Disconnect
                                </button>
                              )}
                              <button type="button" class="danger" disabled={busy === key} onClick={() => setRemoving({ connector: c, account: a })} aria-label={`Remove ${c.name} account ${a.account_id}`}>
                                Remove…
                              </button>
                            </div>
                          </li>
                        );
                      })}
                    </ul>
                  )}
                  {canConnect && (
                    <div class="card-actions">
                      <button type="button" class="primary" disabled={busy === `oauth:${c.id}`} onClick={() => (direct ? startOAuth(c) : setDialog(c))} aria-label={`${accounts.length ? 'Add account to' : 'Connect'} ${c.name}`}>
                        {accounts.length ? 'Add account' : 'Connect'}
                      </button>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      ))}
      {data && <PreferenceEditor catalogue={data.catalogue.filter((c) => c.kind === 'cloud')} />}
      {dialog && (
        <ConnectDialog
          connector={dialog}
          open={!!dialog}
          onClose={() => setDialog(null)}
          onConnected={(message) => {
            setDialog(null);
            setNotice({ kind: 'success', text: message });
            announce(message);
            reload();
          }}
        />
      )}
      {removing && (
        <Dialog title={`Remove ${removing.connector.name} account?`} open role="alertdialog" onClose={() => setRemoving(null)}>
          <p>
            This deletes the stored credentials of <strong>{removing.account.account_name || removing.account.account_id}</strong> ({removing.connector.account_id_label} {removing.account.account_id}) and its record. To use it again you will have to connect it from scratch. To pause it and keep the credentials, use Disconnect instead.
          </p>
          <div class="actions">
            <button type="button" onClick={() => setRemoving(null)} autoFocus>
              Keep it
            </button>
            <button
              type="button"
              class="danger"
              onClick={() => {
                const { connector: c, account: a } = removing;
                setRemoving(null);
                void act(`${c.id}:${a.account_id}`, () => api.send('DELETE', pathFor(c.disconnect_path, c), { account_id: a.account_id }), `${c.name} account ${a.account_name || a.account_id} is removed, with its credentials.`);
              }}
            >
              Remove account and credentials
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
