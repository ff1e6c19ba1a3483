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
