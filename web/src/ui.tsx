import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';

/**
 * A modal dialog on the browser's own <dialog>: focus moves in and is trapped, Escape closes it,
 * and focus returns to what opened it.
 */
export function Dialog(props: { title: string; open: boolean; onClose: () => void; children: ComponentChildren; wide?: boolean; role?: 'dialog' | 'alertdialog' }): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      const opener = document.activeElement as HTMLElement | null;
      d.showModal();
      return () => opener?.focus?.();
    }
    if (!props.open && d.open) d.close();
    return undefined;
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      class={props.wide ? 'dialog wide' : 'dialog'}
      aria-labelledby={titleId}
      role={props.role}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.open && (
        <>
          <header class="dialog-head">
            <h2 id={titleId}>{props.title}</h2>
            <button type="button" class="icon" aria-label="Close" onClick={props.onClose}>
              ×
            </button>
          </header>
          <div class="dialog-body">{props.children}</div>
        </>
      )}
    </dialog>
  );
}

export type BadgeKind = 'connected' | 'pending' | 'error' | 'not_connected';
const BADGE_WORDS: Record<BadgeKind, string> = { connected: 'Connected', pending: 'Pending', error: 'Error', not_connected: 'Not connected' };

export function Badge(props: { kind: BadgeKind }): JSX.Element {
  return <span class={`badge badge-${props.kind}`}>{BADGE_WORDS[props.kind]}</span>;
}

export function statusWords(kind: string): string {
  return BADGE_WORDS[kind as BadgeKind] ?? kind.replace(/_/g, ' ');
}

/** A read-only value with a Copy button (External IDs, templates, install commands). */
export function CopyField(props: { label: string; value: string; multiline?: boolean }): JSX.Element {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
    } catch {
      // no clipboard permission: select the text so Ctrl-C copies it
      ref.current?.select();
    }
    setCopied(true);
  };
  return (
    <div class="copy-field">
      <label for={id}>{props.label}</label>
      <div class="copy-row">
        {props.multiline ? (
          <textarea id={id} ref={ref} readOnly rows={Math.min(14, props.value.split('\n').length)} value={props.value} spellcheck={false} />
        ) : (
          <input id={id} ref={ref} readOnly value={props.value} spellcheck={false} />
        )}
        <button type="button" onClick={copy} aria-label={`Copy ${props.label}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}

/** Text for screen readers and eyes alike; role=alert for failures, status for the rest. */
export function Notice(props: { kind: 'error' | 'info' | 'success'; children: ComponentChildren; onDismiss?: () => void }): JSX.Element {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      <div class="notice-text">{props.children}</div>
      {props.onDismiss && (
        <button type="button" class="icon" aria-label="Dismiss" onClick={props.onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}

/** Time since an ISO instant in words ("3 min ago"); the caller re-renders to keep it current. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'unknown';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
