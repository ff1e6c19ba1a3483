import type { ConnectorCheck } from './behaviour.ts';

/**
 * A check whose module (and the provider SDK behind it) is imported on its first call, not when
 * the function loads: with code splitting (lib/build/bundle.ts) those bytes then load only for a
 * caller who has a connection to check. A failed import is not remembered, so the next call tries
 * again. A module of its own, apart from ./behaviour.ts, which the checks import: a status function
 * that reached behaviour.ts for this and its check for checkFailure loaded behaviour.ts as a chunk
 * of its own, one more file at every cold start (docs/performance.md, "Chunks").
 */
export function lazyCheck(load: () => Promise<{ check: ConnectorCheck }>): ConnectorCheck {
  let loading: Promise<ConnectorCheck> | undefined;
  return async (d, conn, opts) => {
    loading ??= load().then(
      (m) => m.check,
      (e: unknown) => {
        loading = undefined;
        throw e;
      },
    );
    return (await loading)(d, conn, opts);
  };
}
