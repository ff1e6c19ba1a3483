import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../api.ts';
import type { Connector } from '../catalogue.ts';
import { useApp } from '../context.ts';
import { Notice } from '../ui.tsx';

/**
 * The provider preference order (GET/PUT /api/user/provider-preference): which cloud a command
 * without a provider runs on. Reordered with buttons, so it works by keyboard and reads well.
 */
export function PreferenceEditor(props: { catalogue: Connector[] }): JSX.Element {
  const { api, announce } = useApp();
  const [order, setOrder] = useState<string[] | null>(null);
  const [saved, setSaved] = useState<string[]>([]);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const known = props.catalogue.map((c) => c.id);
  // after a move, keep the keyboard on the item that moved (its button may have become disabled);
  // a layout effect, so focus moves in the same commit as the reorder, never a frame later
  const listRef = useRef<HTMLOListElement>(null);
  const [follow, setFollow] = useState<{ id: string; dir: 'up' | 'down' } | null>(null);
  useLayoutEffect(() => {
    if (!follow || !listRef.current) return;
    const row = listRef.current.querySelector<HTMLElement>(`[data-pref="${CSS.escape(follow.id)}"]`);
    const same = row?.querySelector<HTMLButtonElement>(`button[data-dir="${follow.dir}"]`);
    const other = row?.querySelector<HTMLButtonElement>(`button[data-dir="${follow.dir === 'up' ? 'down' : 'up'}"]`);
    (same && !same.disabled ? same : other)?.focus();
    setFollow(null);
  }, [follow]);
  const name = (id: string) => props.catalogue.find((c) => c.id === id)?.name ?? id;

  useEffect(() => {
    api
      .get<{ provider_preference: string[] }>('/api/user/provider-preference')
      .then((p) => {
        const preferred = p.provider_preference.filter((id) => known.includes(id));
        setSaved(preferred);
        setOrder([...preferred, ...known.filter((id) => !preferred.includes(id))]);
      })
      .catch((e) => setMessage({ kind: 'error', text: messageOf(e) }));
  }, []);

  if (!order) return <section class="preference" aria-label="Provider preference" />;
  const move = (i: number, by: number) => {
    const next = [...order];
    const [x] = next.splice(i, 1);
    next.splice(i + by, 0, x);
    setOrder(next);
    setFollow({ id: x, dir: by < 0 ? 'up' : 'down' });
    setMessage(null);
    announce(`${name(x)} moved to position ${i + by + 1}.`);
  };
  const save = async () => {
    try {
      const r = await api.send<{ provider_preference: string[] }>('PUT', '/api/user/provider-preference', { provider_preference: order });
      setSaved(r.provider_preference);
      setMessage({ kind: 'success', text: 'Preference order saved.' });
    } catch (e) {
      setMessage({ kind: 'error', text: messageOf(e) });
    }
  };
  const changed = JSON.stringify(order) !== JSON.stringify([...saved, ...known.filter((id) => !saved.includes(id))]) || saved.length === 0;
  return (
    <section class="preference" aria-labelledby="pref-title">
      <h2 id="pref-title">Provider preference</h2>
      <p class="help">A command that names no provider runs on the first connected provider in this order that has its CLI.</p>
      <ol class="pref-list" ref={listRef}>
        {order.map((id, i) => (
          <li key={id} class="pref-item" data-pref={id}>
            <span class="pref-pos" aria-hidden="true">
              {i + 1}.
            </span>
            <span class="pref-name">{name(id)}</span>
            <button type="button" data-dir="up" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${name(id)} up`}>
              ↑
            </button>
            <button type="button" data-dir="down" disabled={i === order.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${name(id)} down`}>
              ↓
            </button>
          </li>
        ))}
      </ol>
      <div class="actions start">
        <button type="button" class="primary" onClick={save} disabled={!changed}>
          Save order
        </button>
      </div>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
    </section>
  );
}
