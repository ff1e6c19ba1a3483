import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api.ts';
import { useApp } from '../context.ts';
import { useLocation } from '../router.tsx';
import { Notice, when } from '../ui.tsx';

interface Confirmation {
  id: string;
  provider: string;
  account_id: string | null;
  command: string;
  argv: string[];
  classification: string;
  reason: string;
  requested_by: { kind: 'user' } | { kind: 'agent'; name: string };
  state: 'pending' | 'approved';
  created_at: string;
  expires_at: string;
}

const POLL_MS = 5000;

const asker = (c: Confirmation) => (c.requested_by.kind === 'agent' ? `Agent “${c.requested_by.name}”` : 'You (Commands)');

/**
 * What agents asked to run that needs the person's yes: destructive, secret-revealing and unknown
 * commands wait here (GET /api/cloud_tool/confirmations) until the person approves or cancels
 * them with their own session. An MCP tool result links here with ?confirmation=<id>.
 */
export function ApprovalsPage(): JSX.Element {
  const { api, announce } = useApp();
  const { params } = useLocation();
  const focus = params.get('confirmation');
  const [items, setItems] = useState<Confirmation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);

  const load = () =>
    api
      .get<{ confirmations: Confirmation[] }>('/api/cloud_tool/confirmations')
      .then((r) => {
        setItems(r.confirmations);
        setError(null);
      })
      .catch((e) => setError(messageOf(e)));

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(t);
  }, []);

  const act = async (c: Confirmation, verb: 'approve' | 'cancel') => {
    try {
      await api.send('POST', `/api/cloud_tool/confirmations/${encodeURIComponent(c.id)}/${verb}`);
      const text =
        verb === 'approve'
          ? `Approved “${c.command}”. ${c.requested_by.kind === 'agent' ? 'The agent’s next call with this confirmation runs it, once.' : 'Run it from Commands.'}`
          : `Cancelled “${c.command}”: it will not run.`;
      setNotice({ kind: 'success', text });
      announce(text);
    } catch (e) {
      setNotice({ kind: 'error', text: messageOf(e) });
    }
    void load();
  };

  const focused = focus && items ? items.find((c) => c.id === focus) : undefined;
  return (
    <main id="main" class="page" tabIndex={-1}>
      <h1>Approvals</h1>
      <p class="lead">Commands that delete, reveal secrets or are unknown to Aurora run only after you approve them here. An agent cannot approve its own request.</p>
      {error && <Notice kind="error">{error}</Notice>}
      {notice && (
        <Notice kind={notice.kind} onDismiss={() => setNotice(null)}>
          {notice.text}
        </Notice>
      )}
      {focus && items && !focused && <Notice kind="info">That request is no longer waiting: it was approved and run, cancelled, or it expired.</Notice>}
      <section aria-labelledby="approvals-title">
        <h2 id="approvals-title">Waiting for you</h2>
        {items && items.length === 0 && <p class="muted">Nothing is waiting for your approval.</p>}
        {items && items.length > 0 && (
          <ul class="approvals">
            {items.map((c) => (
              <li key={c.id} class={c.id === focus ? 'approval focused' : 'approval'} aria-labelledby={`conf-${c.id}`}>
                <h3 id={`conf-${c.id}`}>
                  <code>{c.command}</code>
                </h3>
                <dl>
                  <dt>Class</dt>
                  <dd>{c.classification}</dd>
                  <dt>Why</dt>
                  <dd>{c.reason}</dd>
                  <dt>Where</dt>
                  <dd>
                    {c.provider}
                    {c.account_id ? ` ${c.account_id}` : ''}
                  </dd>
                  <dt>Asked by</dt>
                  <dd>{asker(c)}</dd>
                  <dt>Expires</dt>
                  <dd>{when(c.expires_at)}</dd>
                  <dt>Arguments</dt>
                  <dd class="argv">
                    {c.argv.map((a, i) => (
                      <code key={i}>{a}</code>
                    ))}
                  </dd>
                </dl>
                <div class="actions start">
                  {c.state === 'approved' ? (
                    <p class="muted">Approved: waiting for the agent to run it.</p>
                  ) : (
                    <button type="button" class="primary" onClick={() => act(c, 'approve')} aria-label={`Approve ${c.command}`}>
                      Approve
                    </button>
                  )}
                  <button type="button" class="danger" onClick={() => act(c, 'cancel')} aria-label={`Cancel ${c.command}`}>
                    Cancel
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
