/**
 * The modules nearly every function loads at its cold start and that the code it loads with
 * import() uses too. Every module we load with import() (a connector's check, revoke, webhook,
 * OAuth or CLI hook, a secret backend, the command service, MCP's tools...) imports this first,
 * for no binding, and nothing else does.
 *
 * Why: with code splitting (lib/build/bundle.ts), esbuild puts a module that a function and some of
 * its lazy targets share in a chunk keyed by exactly which of those targets reach it. errors.ts
 * reached by sixteen targets, secret-value.ts by thirteen, the table client by six... each became a
 * file of its own, and every file costs a cold start a module load (about 0.3 ms, more than its
 * bytes: docs/performance.md, "Chunks"): `connections.providerDisconnect` loaded 17 files and
 * `cloudTool.run` 18, against the floor's 9. A target that reaches this reaches all of them, so
 * they all get the same key and share one chunk. The modules are almost always the function's own
 * already; where a function imports one of those targets statically, it also loads what of this
 * list it did not have (a median of 0.2 KB over the functions, at most 1.9 KB). Keep the list to
 * what nearly every function loads anyway. test/unit/bundle-budget.test.ts bounds the files a
 * cold start loads and says which target to add the import to when one splits again.
 */
import './errors.ts';
import './secret-value.ts';
import './secrets/port.ts';
import './secrets/document.ts';
import './retry.ts';
import './log.ts';
import './config.ts';
import './zod.ts';
import './db/client.ts';
import './db/user-settings.ts';
import './connections/repo.ts';
