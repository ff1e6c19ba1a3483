/**
 * The schema library: zod's "mini" API, which every module imports from here rather than from
 * 'zod'. Classic zod (`import * as z from 'zod'`) gives every schema all of its methods, so one
 * classic schema anywhere in a function drags the whole library, its JSON-schema code included,
 * into that function's cold start (about 96 KB of the 390 a plain function loaded; issue 14,
 * docs/performance.md). Mini's functions tree-shake: a function carries the schema kinds and checks
 * it uses. test/unit/bundle-budget.test.ts keeps classic zod out of every function.
 *
 * Mini registers no locale of its own; English is set here, before any schema parses, so the
 * issue messages (which the API's 400s quote, lib/http/handler.ts `validate`) are the ones
 * classic zod gives. How to write schemas in this style: docs/schemas.md.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';

/**
 * A schema built the first time anything touches it, not when its module is imported. Every
 * function imports its area's schema module whole (esbuild cannot drop the schemas a function never
 * uses: zod's constructors are calls it must assume have side effects), and building a zod schema
 * runs code (each kind's initialiser, each check's): 5 to 49 schemas and checks at every cold
 * start, the largest part of evaluating a function's own modules (docs/performance.md). Deferred, a
 * function builds the schemas its request and response use, when it first parses one.
 *
 * The value is a proxy that builds the schema on its first property access and forwards everything
 * to it from then on, so it goes wherever the schema would: inside other schemas, to `z.parse`, to
 * the OpenAPI document (which sees the same schemas, built on demand). What zod keys by the schema
 * object itself does not see through it: metadata (`z.describe`, `z.meta`) is registered for the
 * built schema, not for the proxy, so a schema that carries any is not deferred (lib/mcp/tools.ts,
 * which loads on first use anyway). Nested proxies cost a trap per `_zod` read while parsing,
 * about a quarter of a microsecond per item of an array.
 */
export function deferred<T extends object>(build: () => T): T {
  let built: T | undefined;
  const target = (): T => (built ??= build());
  return new Proxy({} as T, {
    get: (_, p) => Reflect.get(target(), p),
    set: (_, p, v) => Reflect.set(target(), p, v),
    has: (_, p) => Reflect.has(target(), p),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, p) => {
      const d = Reflect.getOwnPropertyDescriptor(target(), p);
      // a proxy may only report a non-configurable property its own target has
      return d && { ...d, configurable: true };
    },
    defineProperty: (_, p, d) => Reflect.defineProperty(target(), p, d),
    deleteProperty: (_, p) => Reflect.deleteProperty(target(), p),
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
  });
}
