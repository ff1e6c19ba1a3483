import { defineConfig, type Plugin } from 'vite';
import { CONSOLE_CONFIG_PATH, type ConsoleConfig } from './pages.ts';

/**
 * Deployed, the site has no runtime to answer GET /console-config.json: stacks/web.ts passes the
 * document (API URL, identity mode, OIDC issuer and client) in AURORA_CONSOLE_CONFIG and the build
 * writes it beside index.html. Locally the runtime serves it live (lib/local/console.ts).
 */
function configDocument(): Plugin {
  return {
    name: 'aurora-console-config',
    apply: 'build',
    generateBundle() {
      const raw = process.env.AURORA_CONSOLE_CONFIG;
      if (!raw) return;
      const doc = JSON.parse(raw) as ConsoleConfig;
      if (doc.auth_mode !== 'jwt' && doc.auth_mode !== 'trusted-header') throw new Error('AURORA_CONSOLE_CONFIG: auth_mode must be "jwt" or "trusted-header"');
      this.emitFile({ type: 'asset', fileName: CONSOLE_CONFIG_PATH.slice(1), source: `${JSON.stringify(doc, null, 2)}\n` });
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: false,
  plugins: [configDocument()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
