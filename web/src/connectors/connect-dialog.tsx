import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiError, messageOf } from '../api.ts';
import { fieldProblem, pathFor, type Connector } from '../catalogue.ts';
import { useApp } from '../context.ts';
import { Dialog, Notice } from '../ui.tsx';
import { EXTRAS } from './extras.tsx';

/**
 * The connect form of one connector, generated from its credential fields: secret fields masked,
 * patterns checked before anything is sent, the server's field-named errors beside the field.
 * Nothing typed outlives the attempt: secret fields are emptied after every submission and the
 * whole form when the dialog closes.
 */
export function ConnectDialog(props: { connector: Connector; open: boolean; onClose: () => void; onConnected: (message: string) => void }): JSX.Element {
  const c = props.connector;
  const { api } = useApp();
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const Onboarding = EXTRAS[c.id]?.Onboarding;
  // credential fields go to `connect`; a connector with only `oauth` takes them there (a region, say)
  const target = c.connect ?? c.oauth;

  const close = () => {
    setValues({});
    setErrors({});
    setFormError(null);
    props.onClose();
  };
  const clearSecrets = () => setValues((v) => Object.fromEntries(Object.entries(v).filter(([k]) => !c.fields.find((f) => f.name === k)?.secret)));
  const focusField = (name: string) => formRef.current?.querySelector<HTMLInputElement>(`[name="${CSS.escape(name)}"]`)?.focus();

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!target || busy) return;
    const found: Record<string, string> = {};
    for (const f of c.fields) {
      const p = fieldProblem(f, (values[f.name] ?? '').trim());
      if (p) found[f.name] = p;
    }
    setErrors(found);
    setFormError(null);
    const first = c.fields.find((f) => found[f.name]);
    if (first) return focusField(first.name);
    const body = Object.fromEntries(c.fields.map((f) => [f.name, (values[f.name] ?? '').trim()]).filter(([, v]) => v !== ''));
    setBusy(true);
    try {
      const res = await api.send<Record<string, unknown>>(target.method, pathFor(target.path, c), body);
      if (!c.connect && c.oauth) {
        const url = res?.[c.oauth.url_field];
        if (typeof url !== 'string') throw new Error('no consent URL');
        setValues({});
        location.assign(url);
        return;
      }
      setValues({});
      props.onConnected(typeof res?.message === 'string' ? res.message : `${c.name} is connected.`);
    } catch (err) {
      clearSecrets();
      const field = err instanceof ApiError ? err.problem.field : undefined;
      if (field && c.fields.some((f) => f.name === field)) {
        setErrors({ [field]: messageOf(err) });
        focusField(field);
      } else setFormError(err instanceof ApiError ? messageOf(err) : `${c.name} did not return a sign-in page. Try again.`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Connect ${c.name}`} open={props.open} onClose={close} wide={!!Onboarding}>
      {Onboarding && <Onboarding connector={c} prefill={(v) => setValues((old) => ({ ...v, ...Object.fromEntries(Object.entries(old).filter(([, x]) => x)) }))} />}
      <form ref={formRef} onSubmit={submit} noValidate class="connect-form" aria-describedby={formError ? `${c.id}-form-error` : undefined}>
        {c.fields.map((f, i) => {
          const id = `${c.id}-field-${f.name}`;
          const err = errors[f.name];
          const described = [f.description ? `${id}-help` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
          return (
            <div class={err ? 'field invalid' : 'field'} key={f.name}>
              <label for={id}>
                {f.label}
                {!f.required && <span class="optional"> (optional)</span>}
              </label>
              {(() => {
                const common = {
                  id,
                  name: f.name,
                  spellcheck: false,
                  required: f.required,
                  autoFocus: i === 0 && !Onboarding,
                  value: values[f.name] ?? '',
                  'aria-invalid': err ? ('true' as const) : undefined,
                  'aria-describedby': described,
                  onInput: (e: Event) => setValues({ ...values, [f.name]: (e.currentTarget as HTMLInputElement).value }),
                };
                // masked, and never offered to a password manager's autofill of another site's secret
                return f.secret ? <input type="password" autoComplete="new-password" {...common} /> : <input type="text" autoComplete="off" placeholder={f.example} {...common} />;
              })()}
              {f.description && (
                <p class="help" id={`${id}-help`}>
                  {f.description}
                </p>
              )}
              {err && (
                <p class="field-error" id={`${id}-error`}>
                  {err}
                </p>
              )}
            </div>
          );
        })}
        {formError && (
          <div id={`${c.id}-form-error`}>
            <Notice kind="error">{formError}</Notice>
          </div>
        )}
        <div class="actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
            {busy ? 'Connecting…' : c.connect ? 'Connect' : `Continue to ${c.name}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
