import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, messageOf } from '../api.ts';
import { useApp } from '../context.ts';
import { Notice } from '../ui.tsx';
import type { SetupFlow } from './extras.tsx';

interface SetupStatus {
  state: 'PENDING' | 'STARTED' | 'PROGRESS' | 'SUCCESS' | 'FAILURE' | 'NEEDS_SELECTION';
  status?: string;
  complete?: boolean;
  progress?: number;
  step?: number;
  total_steps?: number;
  result?: { propagation_status?: 'FULL' | 'PARTIAL'; verified_projects?: number; total_projects?: number };
  eligible_projects?: Array<{ project_id: string; name?: string }>;
}

const POLL_MS = 1000;
const RETRY_MAX_MS = 10000;

/**
 * A post-login setup followed live: a progress bar, the step being run by name, every step's row
 * reserved from the start (so nothing moves while it polls), the final FULL/PARTIAL result, and a
 * project picker when the setup stops for a selection.
 */
export function SetupProgress(props: { name: string; flow: SetupFlow; taskId: string; onFinished: () => void }): JSX.Element {
  const { api, announce } = useApp();
  const [taskId, setTaskId] = useState(props.taskId);
  const [status, setStatus] = useState<SetupStatus | null>(null);
  const [stepNames, setStepNames] = useState<Record<number, string>>({});
  const [trouble, setTrouble] = useState<string | null>(null);
  const [gone, setGone] = useState<string | null>(null);
  const finished = useRef(false);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    finished.current = false;
    const poll = async () => {
      try {
        const s = await api.get<SetupStatus>(props.flow.statusPath(taskId));
        if (!live) return;
        failures = 0;
        setTrouble(null);
        setStatus(s);
        if (s.step && s.status && s.state === 'PROGRESS') setStepNames((n) => ({ ...n, [s.step!]: s.status! }));
        if (s.complete || s.state === 'SUCCESS' || s.state === 'FAILURE' || s.state === 'NEEDS_SELECTION') {
          if (!finished.current && s.state !== 'NEEDS_SELECTION') {
            finished.current = true;
            announce(s.state === 'SUCCESS' ? `${props.name} setup finished.` : `${props.name} setup failed.`);
            props.onFinished();
          }
          return;
        }
        timer = setTimeout(poll, POLL_MS);
      } catch (e) {
        if (!live) return;
        if (e instanceof ApiError && (e.problem.status === 404 || e.problem.status === 403)) return setGone(messageOf(e));
        failures++;
        setTrouble(`Lost contact with the service (${messageOf(e)}); trying again.`);
        timer = setTimeout(poll, Math.min(RETRY_MAX_MS, POLL_MS * 2 ** failures));
      }
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [taskId]);

  const total = status?.total_steps ?? 7;
  const progress = Math.max(0, Math.min(100, status?.progress ?? 0));
  const step = status?.step ?? 0;
  const done = status?.state === 'SUCCESS';
  return (
    <section class="setup" aria-labelledby="setup-title">
      <h3 id="setup-title">Setting up {props.name}</h3>
      {gone ? (
        <Notice kind="error">This setup cannot be followed: {gone}</Notice>
      ) : (
        <>
          <progress max={100} value={progress} aria-label={`${props.name} setup progress`} aria-valuetext={`${progress}%`} />
          <p class="setup-now" aria-live="polite">
            {!status
              ? 'Starting…'
              : status.state === 'SUCCESS'
                ? 'Setup finished.'
                : status.state === 'FAILURE'
                  ? 'Setup stopped.'
                  : status.state === 'NEEDS_SELECTION'
                    ? 'Waiting for you to choose projects.'
                    : status.state === 'PROGRESS' && step > 0
                      ? `Step ${step} of ${total}: ${status.status ?? 'working'}`
                      : (status.status ?? 'Starting…')}
          </p>
          <ol class="setup-steps">
            {Array.from({ length: total }, (_, i) => i + 1).map((n) => {
              const state = done || n < step ? 'done' : n === step && status?.state === 'PROGRESS' ? 'current' : 'todo';
              return (
                <li key={n} class={`setup-step step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
                  <span class="step-mark" aria-hidden="true">
                    {state === 'done' ? '✓' : state === 'current' ? '●' : '○'}
                  </span>
                  <span class="visually-hidden">{state === 'done' ? 'Done: ' : state === 'current' ? 'Running: ' : 'Next: '}</span>
                  {stepNames[n] ?? `Step ${n}`}
                </li>
              );
            })}
          </ol>
          {trouble && <Notice kind="info">{trouble}</Notice>}
          {status?.state === 'SUCCESS' && <SetupResult name={props.name} result={status.result} />}
          {status?.state === 'FAILURE' && <Notice kind="error">{props.name} setup failed: {status.status ?? 'no reason was given'}</Notice>}
          {status?.state === 'NEEDS_SELECTION' && (
            <ProjectPicker flow={props.flow} projects={status.eligible_projects ?? []} onStarted={(id) => setTaskId(id)} />
          )}
        </>
      )}
    </section>
  );
}

function SetupResult(props: { name: string; result: SetupStatus['result'] }): JSX.Element {
  const r = props.result ?? {};
  const counts = r.total_projects !== undefined ? ` (${r.verified_projects ?? 0} of ${r.total_projects} projects verified)` : '';
  if (r.propagation_status === 'PARTIAL') {
    return (
      <Notice kind="info">
        Connected, result PARTIAL{counts}: access is not yet visible in every project. Google can take a few minutes to apply new roles; commands in the remaining projects may fail until then.
      </Notice>
    );
  }
  return <Notice kind="success">Connected, result FULL{counts}: {props.name} is ready.</Notice>;
}

function ProjectPicker(props: { flow: SetupFlow; projects: Array<{ project_id: string; name?: string }>; onStarted: (taskId: string) => void }): JSX.Element {
  const { api } = useApp();
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const limit = props.flow.selectionLimit;
  const toggle = (id: string, on: boolean) => setChosen((c) => (on ? [...c, id] : c.filter((x) => x !== id)));
  const submit = async (e: Event) => {
    e.preventDefault();
    if (chosen.length < 1 || chosen.length > limit) return setError(`Choose between 1 and ${limit} projects.`);
    setError(null);
    setBusy(true);
    try {
      const r = await api.send<{ task_id: string }>('POST', props.flow.retryPath, { selected_project_ids: chosen });
      props.onStarted(r.task_id);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} class="project-picker">
      <fieldset aria-describedby="picker-help">
        <legend>Choose the projects to set up</legend>
        <p id="picker-help" class="help">
          More than {limit} of your projects can be set up. Choose up to {limit}; {chosen.length} chosen.
        </p>
        {props.projects.map((p) => (
          <label class="check" key={p.project_id}>
            <input type="checkbox" checked={chosen.includes(p.project_id)} disabled={!chosen.includes(p.project_id) && chosen.length >= limit} onChange={(e) => toggle(p.project_id, (e.currentTarget as HTMLInputElement).checked)} />
            {p.name && p.name !== p.project_id ? `${p.name} (${p.project_id})` : p.project_id}
          </label>
        ))}
      </fieldset>
      {error && <Notice kind="error">{error}</Notice>}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          Set up the chosen projects
        </button>
      </div>
    </form>
  );
}
