/** Argument rules for ovhcloud (OVHcloud CLI, cobra flags). See ./rules.ts. */
import type { ArgRules } from './rules.ts';
import { ZERO } from './rules.ts';

export const ovhcloudArgs: ArgRules = {
  flags: { value: ['--from-file', '--init-file', '--desired-nodes', '--max-nodes'], bool: ['--editor', '--replace', '--dry-run'] },
  rules: [
    { id: 'ovhcloud.local-file', effect: 'refuse', match: { flag: ['--from-file', '--init-file', '--editor', '--config', '--cloud-init'] }, reason: 'ovhcloud {flag} reads a local file or opens an editor' },
    { id: 'ovhcloud.profile', effect: 'refuse', match: { flag: ['--profile'] }, reason: 'ovhcloud {flag} uses another profile than the connected account' },
    { id: 'ovhcloud.interactive', effect: 'refuse', match: { any: [{ flag: ['-i', '--interactive'] }, { flag: ['-o', '--output'], value: /^interactive$/i }] }, reason: 'ovhcloud {flag} opens an interactive view that waits for input' },
    { id: 'ovhcloud.config-change', effect: 'refuse', on: ['config set', 'config set-*', 'config unset', 'config reset', 'login', 'logout', 'browser', 'upgrade'], reason: '{command} changes the CLI configuration or endpoint, is interactive, or changes the installation; it is refused' },
    { id: 'ovhcloud.api-internal', effect: 'refuse', on: ['api call'], match: { operand: /^https?:\/\//i }, reason: 'ovhcloud api call takes an API path, not a URL ({value})' },

    { id: 'ovhcloud.scale-to-zero', effect: 'destructive', match: { any: [{ flag: ['--desired-nodes', '--max-nodes'], value: ZERO }, { pair: /desiredNodes|maxNodes/, value: ZERO }] }, reason: 'ovhcloud {flag} {value} scales to zero' },
    { id: 'ovhcloud.api-destructive-action', effect: 'destructive', on: ['api call'], match: { operand: /\/(terminate|reinstall|changePassword|resetPassword|confirmTermination|revoke|disable)\/?$/i, at: 1 }, reason: 'ovhcloud api call {value} names a destructive action' },

    { id: 'ovhcloud.api-dry-run', effect: 'dry-run', on: ['api call'], match: { flag: ['--dry-run'] }, reason: 'ovhcloud api call {flag} prints the request without sending it' },
  ],
};
