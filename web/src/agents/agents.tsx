import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api.ts';
import { useApp } from '../context.ts';
import { CopyField, Dialog, Notice, when } from '../ui.tsx';

interface AgentToken {
  id: string;
  name: string;
  created_at: string;
  expires_at: string;
  expired: boolean;
}

/** The MCP client configuration for a new token (README "MCP endpoint" says the same). */
function clientConfig(token: string): string {
  const url = `${location.origin}/mcp`;
  return JSON.stringify({ mcpServers: { aurora: { type: 'http', url, headers: { Authorization: `Bearer ${token}` } } } }, null, 2);
}

/**
 * Agent tokens for the MCP endpoint (POST /mcp): make one per agent (shown once, with the client
 * configuration), see when each expires, revoke one to cut that agent off at once.
 */
export function AgentsPage(): JSX.Element {
  const { api, announce } = useApp();
  const [tokens, setTokens] = useState<AgentToken[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<(AgentToken & { token: string }) | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = () =>
    api
      .get<{ tokens: AgentToken[] }>('/api/agent-tokens')
      .then((r) => {
        setTokens(r.tokens);
        setError(null);
      })
      .catch((e) => setError(messageOf(e)));
  useEffect(() => void load(), []);

  const add = async (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return setNameError('Give the agent a name.');
    setNameError(null);
    try {
      const t = await api.send<AgentToken & { token: string }>('POST', '/api/agent-tokens', { name: n });
      setName('');
      setCreated(t);
      announce(`Agent token ${t.name} created. Copy it now: it is shown only once.`);
      void load();
    } catch (err) {
      setNameError(messageOf(err));
    }
  };

  const revoke = async (t: AgentToken) => {
    try {
      await api.send('DELETE', `/api/agent-tokens/${encodeURIComponent(t.id)}`);
      setNotice(`${t.name} is revoked: its token no longer works.`);
    } catch (err) {
      setNotice(messageOf(err));
    }
    void load();
  };

  return (
    <main id="main" class="page" tabIndex={-1}>
      <h1>Agents</h1>
      <p class="lead">AI agents reach your connections through Aurora's MCP endpoint with a token of their own. They act under the same safety policy, and anything destructive waits for your approval.</p>
      {error && <Notice kind="error">{error}</Notice>}
      {notice && (
        <Notice kind="info" onDismiss={() => setNotice(null)}>
          {notice}
        </Notice>
      )}
      <form class="add-cluster" onSubmit={add} noValidate>
        <div class={nameError ? 'field invalid' : 'field'}>
          <label for="agent-name">Agent name</label>
          <input id="agent-name" value={name} autoComplete="off" spellcheck={false} maxLength={64} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} aria-invalid={nameError ? 'true' : undefined} aria-describedby={nameError ? 'agent-name-error' : undefined} />
          {nameError && (
            <p class="field-error" id="agent-name-error">
              {nameError}
            </p>
          )}
        </div>
        <div class="actions start">
          <button type="submit" class="primary">
            Create token
          </button>
        </div>
      </form>
      <section aria-labelledby="tokens-title">
        <h2 id="tokens-title">Tokens</h2>
        {tokens && tokens.length === 0 && <p class="muted">No agent token yet.</p>}
        {tokens && tokens.length > 0 && (
          <div class="table-wrap" tabIndex={0} aria-labelledby="tokens-title">
            <table>
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td>{when(t.created_at)}</td>
                    <td>{t.expired ? 'expired' : when(t.expires_at)}</td>
                    <td class="row-actions">
                      <button type="button" class="danger" onClick={() => revoke(t)} aria-label={`Revoke ${t.name}`}>
                        Revoke
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
        <Dialog title={`Token for ${created.name}`} open wide onClose={() => setCreated(null)}>
          <Notice kind="info">This token is shown only this once. Copy it into your MCP client now.</Notice>
          <CopyField label="Agent token" value={created.token} />
          <CopyField label="MCP client configuration" value={clientConfig(created.token)} multiline />
          <p class="muted small">The token expires {new Date(created.expires_at).toLocaleDateString()}.</p>
          <div class="actions">
            <button type="button" class="primary" onClick={() => setCreated(null)}>
              Done, I have copied it
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
