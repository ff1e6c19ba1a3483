import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api.ts';
import { useApp } from '../context.ts';
import { CopyField, Dialog, Notice, ago } from '../ui.tsx';

interface Cluster {
  cluster_id: string;
  cluster_name: string;
  status: string;
  agent_version?: string | null;
  kubernetes_version?: string | null;
  last_heartbeat_at?: string | null;
  connected_at?: string | null;
  token_id?: string;
}

interface NewToken {
  token: string;
  token_id: string;
  cluster_name: string;
  expires_at: string;
  install: { helm_command: string; values_yaml?: string };
}

const POLL_MS = 5000;

/**
 * Clusters reached through the kubectl agent: add one (its agent token is shown once, with the
 * helm command that installs the agent), watch each agent's heartbeat, revoke it.
 */
export function KubernetesPage(): JSX.Element {
  const { api, announce } = useApp();
  const [clusters, setClusters] = useState<Cluster[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<NewToken | null>(null);
  const [revoking, setRevoking] = useState<Cluster | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [uninstall, setUninstall] = useState<{ cluster: string; command: string } | null>(null);
  const [now, setNow] = useState(Date.now());

  const load = () =>
    api
      .get<Cluster[]>('/api/kubectl/connections')
      .then((c) => {
        setClusters(c);
        setError(null);
      })
      .catch((e) => setError(messageOf(e)));

  useEffect(() => {
    void load();
    const t = setInterval(() => {
      setNow(Date.now());
      void load();
    }, POLL_MS);
    return () => clearInterval(t);
  }, []);

  const add = async (e: Event) => {
    e.preventDefault();
    const cluster_name = name.trim();
    if (!cluster_name) return setNameError('Give the cluster a name.');
    setNameError(null);
    try {
      const t = await api.send<NewToken>('POST', '/api/kubectl/tokens', { cluster_name });
      setName('');
      setCreated(t);
      announce(`Agent token for ${t.cluster_name} created. Copy it now: it is shown only once.`);
      void load();
    } catch (err) {
      setNameError(messageOf(err));
    }
  };

  const rotate = async (c: Cluster) => {
    if (!c.token_id) return;
    try {
      const t = await api.send<NewToken>('POST', `/api/kubectl/tokens/${encodeURIComponent(c.token_id)}/rotate`);
      setCreated(t);
      announce(`New agent token for ${t.cluster_name}. Copy it now: it is shown only once.`);
      void load();
    } catch (err) {
      setNotice(messageOf(err));
    }
  };

  const revoke = async (c: Cluster) => {
    setRevoking(null);
    try {
      const r = await api.send<{ uninstall?: { helm_command?: string } }>('DELETE', `/api/kubectl/connections/${encodeURIComponent(c.cluster_id)}`);
      setNotice(`${c.cluster_name} is revoked: its agent is disconnected and its token no longer works.`);
      setUninstall(r?.uninstall?.helm_command ? { cluster: c.cluster_name, command: r.uninstall.helm_command } : null);
      void load();
    } catch (err) {
      setNotice(messageOf(err));
    }
  };

  return (
    <main id="main" class="page" tabIndex={-1}>
      <h1>Kubernetes</h1>
      <p class="lead">Aurora reaches a cluster through a small agent installed in it, which connects out to Aurora. Nothing in the cluster has to be exposed.</p>
      {error && <Notice kind="error">{error}</Notice>}
      {notice && (
        <Notice kind="info" onDismiss={() => setNotice(null)}>
          {notice}
        </Notice>
      )}
      {uninstall && <CopyField label={`Remove the agent from ${uninstall.cluster}`} value={uninstall.command} />}
      <form class="add-cluster" onSubmit={add} noValidate>
        <div class={nameError ? 'field invalid' : 'field'}>
          <label for="cluster-name">Cluster name</label>
          <input id="cluster-name" value={name} autoComplete="off" spellcheck={false} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} aria-invalid={nameError ? 'true' : undefined} aria-describedby={nameError ? 'cluster-name-error' : undefined} />
          {nameError && (
            <p class="field-error" id="cluster-name-error">
              {nameError}
            </p>
          )}
        </div>
        <div class="actions start">
          <button type="submit" class="primary">
            Add cluster
          </button>
        </div>
      </form>
      <section aria-labelledby="clusters-title">
        <h2 id="clusters-title">Clusters</h2>
        {clusters && clusters.length === 0 && <p class="muted">No cluster yet.</p>}
        {clusters && clusters.length > 0 && (
          <div class="table-wrap" tabIndex={0} aria-labelledby="clusters-title">
            <table>
              <thead>
                <tr>
                  <th scope="col">Cluster</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last heartbeat</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Kubernetes</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {clusters.map((c) => (
                  <tr key={c.cluster_id}>
                    <td>{c.cluster_name}</td>
                    <td>{c.status.replace(/_/g, ' ')}</td>
                    <td>{ago(c.last_heartbeat_at, now)}</td>
                    <td>{c.agent_version ?? '—'}</td>
                    <td>{c.kubernetes_version ?? '—'}</td>
                    <td class="row-actions">
                      {c.token_id && (
                        <button type="button" onClick={() => rotate(c)} aria-label={`Rotate token for ${c.cluster_name}`}>
                          Rotate token
                        </button>
                      )}
                      <button type="button" class="danger" onClick={() => setRevoking(c)} aria-label={`Revoke ${c.cluster_name}`}>
                        Revoke…
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {created && (
        <Dialog title={`Install the agent in ${created.cluster_name}`} open wide onClose={() => setCreated(null)}>
          <Notice kind="info">This token is shown only this once. Copy the command now; close this dialog when the agent is installed.</Notice>
          <CopyField label="Agent token" value={created.token} />
          <CopyField label="helm install command" value={created.install.helm_command} multiline />
          <p class="muted small">The token expires {new Date(created.expires_at).toLocaleDateString()}.</p>
          <div class="actions">
            <button type="button" class="primary" onClick={() => setCreated(null)}>
              Done, I have copied it
            </button>
          </div>
        </Dialog>
      )}
      {revoking && (
        <Dialog title={`Revoke ${revoking.cluster_name}?`} open role="alertdialog" onClose={() => setRevoking(null)}>
          <p>The agent is disconnected at once and its token stops working. To reach this cluster again, add it anew and reinstall the agent.</p>
          <div class="actions">
            <button type="button" onClick={() => setRevoking(null)} autoFocus>
              Keep it
            </button>
            <button type="button" class="danger" onClick={() => revoke(revoking)}>
              Revoke
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
