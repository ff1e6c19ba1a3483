import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, messageOf } from '../api.ts';
import { loadCatalogue, type Account, type Connector } from '../catalogue.ts';
import { useApp } from '../context.ts';
import { Dialog, Notice, when } from '../ui.tsx';
import { displayedArgv } from './argv.ts';

interface RunResult {
  success: boolean;
  provider: string;
  account_id: string;
  command: string;
  return_code: number;
  output: unknown;
  stderr: string;
  classification: string;
  truncated: boolean;
  timed_out: boolean;
  duration_ms: number;
}

interface Confirmation {
  requires_confirmation: true;
  confirmation_id: string;
  provider: string;
  account_id: string;
  command: string;
  classification: string;
  reason: string;
  expires_at: string;
}

interface RunView {
  command: string;
  provider: string;
  account_id: string | null;
  classification: string | null;
  mode: string | null;
  exit_code: number | null;
  timed_out: boolean;
  duration_ms: number | null;
  at: string;
}

interface Request {
  provider?: string;
  command: string;
  mode: 'ask' | 'agent';
  selected_project_id?: string;
}

const CLASS_WORDS: Record<string, string> = {
  read: 'read (changes nothing)',
  write: 'write (changes resources)',
  destructive: 'destructive (deletes or stops resources)',
  sensitive: 'sensitive (reveals or resets secrets)',
  unknown: 'unknown (not in the grammar Aurora knows)',
};

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  return JSON.stringify(output, null, 2);
}

/**
 * Run one cloud CLI command for the signed-in user: Ask mode runs reads only; in Agent mode a
 * destructive, sensitive or unknown command first shows the confirmation dialog with the exact
 * argv, its class and the reason, and runs only on Confirm.
 */
export function CommandsPage(): JSX.Element {
  const { api, announce } = useApp();
  const [catalogue, setCatalogue] = useState<Connector[]>([]);
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [connected, setConnected] = useState<{ providers: string[]; default_provider: string | null } | null>(null);
  const [runs, setRuns] = useState<RunView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [provider, setProvider] = useState('');
  const [account, setAccount] = useState('');
  const [project, setProject] = useState('');
  const [mode, setMode] = useState<'ask' | 'agent'>('ask');
  const [command, setCommand] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RunResult | null>(null);
  const [error, setError] = useState<{ text: string; hint?: string } | null>(null);
  const [pending, setPending] = useState<{ request: Request; confirmation: Confirmation } | null>(null);
  const [info, setInfo] = useState<string | null>(null);

  const loadRuns = () =>
    api
      .get<{ runs: RunView[] }>('/api/cloud_tool/runs?limit=20')
      .then((r) => setRuns(r.runs))
      .catch((e) => setLoadError(messageOf(e)));

  useEffect(() => {
    // the catalogue only lends the providers their names here; without it the ids do
    loadCatalogue(api)
      .then(setCatalogue)
      .catch(() => setCatalogue([]));
    Promise.all([api.get<Account[]>('/api/user_connections'), api.get<{ providers: string[]; default_provider: string | null }>('/api/user/connected-providers')])
      .then(([a, p]) => {
        setAccounts(a);
        setConnected(p);
      })
      .catch((e) => setLoadError(messageOf(e)));
    void loadRuns();
  }, []);

  const name = (id: string) => catalogue.find((c) => c.id === id)?.name ?? id;
  const providerAccounts = accounts.filter((a) => a.provider === provider && a.status === 'connected');

  const run = async (request: Request, confirmationId?: string) => {
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      const r = await api.send<RunResult | Confirmation>('POST', '/api/cloud_tool', confirmationId ? { ...request, confirmation_id: confirmationId } : request);
      if ('requires_confirmation' in r && r.requires_confirmation) {
        setPending({ request, confirmation: r });
        return;
      }
      const done = r as RunResult;
      setResult(done);
      announce(done.success ? 'The command finished.' : `The command failed with exit code ${done.return_code}.`);
    } catch (e) {
      setResult(null);
      const p = e instanceof ApiError ? e.problem : null;
      const askRefused = p?.status === 403 && p.field === 'mode';
      setError({ text: messageOf(e), hint: askRefused ? 'Ask mode runs read-only commands. Switch to Agent mode to run it (commands that delete or reveal secrets ask you to confirm first).' : undefined });
    } finally {
      setBusy(false);
      void loadRuns();
    }
  };

  const submit = (e: Event) => {
    e.preventDefault();
    const text = command.trim();
    if (!text) return setError({ text: 'Type a command to run, for example gcloud compute instances list.' });
    const scope = project.trim() || account;
    void run({ ...(provider ? { provider } : {}), command: text, mode, ...(scope ? { selected_project_id: scope } : {}) });
  };

  const confirm = async () => {
    if (!pending) return;
    const { request, confirmation } = pending;
    setPending(null);
    await run(request, confirmation.confirmation_id);
  };
  const cancel = async () => {
    if (!pending) return;
    const { confirmation } = pending;
    setPending(null);
    try {
      await api.send('POST', `/api/cloud_tool/confirmations/${encodeURIComponent(confirmation.confirmation_id)}/cancel`);
      setInfo('Cancelled. Nothing was run.');
      announce('Cancelled. Nothing was run.');
    } catch (e) {
      setError({ text: messageOf(e) });
    }
  };

  return (
    <main id="main" class="page" tabIndex={-1}>
      <h1>Commands</h1>
      <p class="lead">Run a cloud CLI command with your connected credentials. No shell: the command is split into words and checked against each CLI's grammar first.</p>
      {loadError && <Notice kind="error">{loadError}</Notice>}
      <form class="command-form" onSubmit={submit}>
        <div class="row">
          <div class="field">
            <label for="cmd-provider">Provider</label>
            <select
              id="cmd-provider"
              value={provider}
              onChange={(e) => {
                setProvider((e.currentTarget as HTMLSelectElement).value);
                setAccount('');
              }}
            >
              <option value="">{connected?.default_provider ? `Automatic (${name(connected.default_provider)} first)` : 'Automatic'}</option>
              {(connected?.providers ?? []).map((p) => (
                <option value={p} key={p}>
                  {name(p)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="cmd-account">Account</label>
            <select id="cmd-account" value={account} disabled={!provider || providerAccounts.length === 0} onChange={(e) => setAccount((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">Default account</option>
              {providerAccounts.map((a) => (
                <option value={a.account_id} key={a.account_id}>
                  {a.account_name && a.account_name !== a.account_id ? `${a.account_name} (${a.account_id})` : a.account_id}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="cmd-project">Project or subscription (optional)</label>
            <input id="cmd-project" value={project} spellcheck={false} autoComplete="off" onInput={(e) => setProject((e.currentTarget as HTMLInputElement).value)} aria-describedby="cmd-project-help" />
            <p class="help" id="cmd-project-help">
              Scopes the command: the GCP project, Azure subscription or Scaleway project.
            </p>
          </div>
        </div>
        <fieldset class="mode">
          <legend>Mode</legend>
          <label class="radio">
            <input type="radio" name="mode" value="ask" checked={mode === 'ask'} onChange={() => setMode('ask')} /> Ask: read-only
          </label>
          <label class="radio">
            <input type="radio" name="mode" value="agent" checked={mode === 'agent'} onChange={() => setMode('agent')} /> Agent: may change things, confirms destructive ones
          </label>
        </fieldset>
        <div class="field">
          <label for="cmd-command">Command</label>
          <input id="cmd-command" class="mono" value={command} spellcheck={false} autoComplete="off" placeholder="scw instance server list" onInput={(e) => setCommand((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="actions start">
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {busy ? 'Running…' : 'Run'}
          </button>
        </div>
      </form>
      <section class="output" aria-labelledby="output-title" aria-live="polite">
        <h2 id="output-title">Output</h2>
        {error && (
          <Notice kind="error">
            {error.text}
            {error.hint && <p class="hint">{error.hint}</p>}
          </Notice>
        )}
        {info && <Notice kind="info">{info}</Notice>}
        {result && (
          <div class="result">
            <p class={result.success ? 'ok' : 'failed'}>
              {result.success ? 'Finished' : 'Failed'}: exit code {result.return_code}, {result.duration_ms} ms, {name(result.provider)} account {result.account_id}, {CLASS_WORDS[result.classification] ?? result.classification}
              {result.timed_out && ', stopped at the time limit'}
            </p>
            <p class="mono small">{result.command}</p>
            <pre class="stdout" tabIndex={0} aria-label="Command output">
              {outputText(result.output)}
            </pre>
            {result.stderr && (
              <pre class="stderr" tabIndex={0} aria-label="Error output">
                {result.stderr}
              </pre>
            )}
            {result.truncated && <Notice kind="info">The output was cut at the size limit; the end of it is not shown.</Notice>}
          </div>
        )}
        {!result && !error && !info && <p class="muted">Nothing run yet.</p>}
      </section>
      <section class="runs" aria-labelledby="runs-title">
        <h2 id="runs-title">Recent runs</h2>
        {runs && runs.length === 0 && <p class="muted">No command has run for you yet.</p>}
        {runs && runs.length > 0 && (
          <div class="table-wrap" tabIndex={0} aria-labelledby="runs-title">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Account</th>
                  <th scope="col">Command</th>
                  <th scope="col">Class</th>
                  <th scope="col">Mode</th>
                  <th scope="col">Exit code</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r, i) => (
                  <tr key={`${r.at}-${i}`}>
                    <td>{when(r.at)}</td>
                    <td>{name(r.provider)}</td>
                    <td class="mono small">{r.account_id ?? '—'}</td>
                    <td class="mono small">{r.command}</td>
                    <td>{r.classification ?? '—'}</td>
                    <td>{r.mode ?? '—'}</td>
                    <td>{r.exit_code ?? (r.timed_out ? 'timed out' : '—')}</td>
                    <td>{r.duration_ms === null ? '—' : `${r.duration_ms} ms`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {pending && (
        <Dialog title="Confirm this command" open role="alertdialog" onClose={cancel} wide>
          <p>
            This command is <strong>{CLASS_WORDS[pending.confirmation.classification] ?? pending.confirmation.classification}</strong>. It runs on {name(pending.confirmation.provider)} account <code>{pending.confirmation.account_id}</code> exactly as shown, only if you confirm.
          </p>
          <p class="reason-line">
            <span class="label">Why it needs confirming:</span> {pending.confirmation.reason}
          </p>
          <p class="label" id="argv-label">
            Exact arguments
          </p>
          <ol class="argv" aria-labelledby="argv-label">
            {displayedArgv(pending.confirmation.command).map((a, i) => (
              <li key={i}>
                <code>{a}</code>
              </li>
            ))}
          </ol>
          <p class="muted small">This confirmation expires {when(pending.confirmation.expires_at)}.</p>
          <div class="actions">
            <button type="button" onClick={cancel} autoFocus>
              Cancel
            </button>
            <button type="button" class="danger" onClick={confirm}>
              Confirm and run
            </button>
          </div>
        </Dialog>
      )}
    </main>
  );
}
