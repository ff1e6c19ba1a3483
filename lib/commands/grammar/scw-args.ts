/** Argument rules for scw (Scaleway CLI v2: `key=value` arguments). See ./rules.ts. */
import type { ArgRules } from './rules.ts';
import { ANYWHERE, ZERO } from './rules.ts';

export const scwArgs: ArgRules = {
  rules: [
    { id: 'scw.at-file', effect: 'refuse', match: { arg: /^[\w.-]+=@/ }, reason: "scw reads '{value}' from a local file (key=@file arguments are refused; give the value inline)" },
    { id: 'scw.config-file', effect: 'refuse', match: { flag: ['-c', '--config', '-p', '--profile'] }, reason: 'scw {flag} uses another configuration or profile than the connected account' },
    { id: 'scw.config-change', effect: 'refuse', on: ['config set', 'config unset', 'config reset', 'config import', 'config destroy', 'config profile **', 'config edit', 'init', 'login'], reason: '{command} changes the CLI configuration or credentials, or is interactive; it is refused' },
    { id: 'scw.local-program', effect: 'refuse', on: ['instance server ssh', 'instance server console', 'baremetal server ssh', 'apple-silicon server ssh', 'rdb instance connect', 'mongodb instance connect', 'registry login', 'registry logout', 'object config install', 'k8s kubeconfig install', 'k8s kubeconfig uninstall', 'function deploy', 'container deploy', 'shell', 'feedback **', 'autocomplete install', 'autocomplete script'], reason: '{command} runs a local program, opens a session, builds local files or writes local configuration; it is refused' },

    { id: 'scw.server-action', effect: 'destructive', on: ['instance server action', 'baremetal server action', 'elastic-metal server action'], match: { pair: /action/, value: /^(terminate|poweroff|stop_in_place|backup|enable_routed_ip)$/i }, reason: 'scw server action {value} stops, terminates or changes the server' },
    { id: 'scw.scale-to-zero', effect: 'destructive', match: { pair: /size|max-size|max-scale|node-count|replicas/, value: ZERO }, reason: 'scw {flag}={value} scales to zero: it stops serving' },
    { id: 'scw.public', effect: 'destructive', on: ['** create', '** update', '** set', '** add', '** set-*'], match: { any: [{ pair: /privacy/, value: /^public$/i }, { pair: /is-public/, value: /^true$/i }, { pair: /acl/, value: /^public-read(-write)?$/i }, { arg: ANYWHERE }] }, reason: 'makes the resource public ({flag}={value})' },
    { id: 'scw.secret-write', effect: 'destructive', on: ['secret version create', 'secret version update', 'iam api-key update', '** reset-password', '** set-password'], reason: '{command} replaces a secret or a password' },
    { id: 'scw.password', effect: 'destructive', on: ['** update', '** set'], match: { pair: /password|admin-password/ }, reason: 'scw {flag}= replaces a password' },
    { id: 'scw.protection-off', effect: 'destructive', match: { any: [{ pair: /protected|enable-versioning|backup-schedule-enabled|enabled/, value: /^false$/i }, { pair: /[\w.-]*disabled|disable-[\w.-]+/, value: /^true$/i }] }, reason: 'scw {flag}={value} removes a protection or turns a feature off' },
    { id: 'scw.disable', effect: 'destructive', on: ['** disable', '** disable-*', '** detach', 'block volume detach', 'instance volume detach'], reason: '{command} disables or detaches: what depended on it stops working' },
    { id: 'scw.credentials-read', effect: 'sensitive', on: ['mnq * credentials get'], reason: '{command} returns the credentials, secret key included' },
  ],
};
