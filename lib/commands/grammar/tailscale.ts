/** tailscale: Go-style flags (`-flag` = `--flag`) and a shallow subcommand tree. */
import type { CommandClass, Verdict } from '../engine.ts';
import { flagTable, groupTree, verdict, walkTree } from '../engine.ts';
import type { Grammar } from './common.ts';
import { helpVerdict, outcome, unknownVerb, walkProblem } from './common.ts';

const CLI = 'tailscale';

const GLOBAL_FLAGS = flagTable('go', { value: ['socket'], bool: ['h', 'help', 'version'] });

// `serve` and `funnel` take either a subcommand or a target; the others need a subcommand.
const TREE = groupTree('dns file lock exit-node configure drive syspolicy metrics debug serve* funnel*');

const TABLE: Record<string, readonly [CommandClass, string]> = {
  status: ['read', 'shows node and peer status'],
  ip: ['read', 'shows addresses'],
  whois: ['read', 'shows who owns an address'],
  ping: ['read', 'pings a peer'],
  netcheck: ['read', 'checks network conditions'],
  version: ['read', 'prints the version'],
  licenses: ['read', 'prints licenses'],
  completion: ['read', 'prints shell completion code'],
  'dns status': ['read', 'shows DNS settings'],
  'dns query': ['read', 'resolves a name'],
  'exit-node list': ['read', 'lists exit nodes'],
  'exit-node suggest': ['read', 'suggests an exit node'],
  'lock status': ['read', 'shows tailnet lock status'],
  'lock log': ['read', 'shows the tailnet lock log'],
  'drive list': ['read', 'lists shares'],
  'syspolicy list': ['read', 'lists system policies'],
  'metrics print': ['read', 'prints metrics'],
  'serve status': ['read', 'shows what is served'],
  'funnel status': ['read', 'shows what is exposed'],
  up: ['write', 'connects the node and changes its settings'],
  down: ['write', 'disconnects the node'],
  set: ['write', 'changes node settings'],
  switch: ['write', 'switches account'],
  bugreport: ['write', 'uploads diagnostic logs'],
  'file get': ['write', 'receives files'],
  'drive rename': ['write', 'renames a share'],
  'syspolicy reload': ['write', 'reloads system policies'],
  'metrics write': ['write', 'writes metrics to a file'],
  'configure kubeconfig': ['write', 'writes cluster credentials into the temporary kubeconfig'],
  serve: ['write', 'serves local content to the tailnet'],
  'serve reset': ['write', 'stops serving'],
  'funnel reset': ['write', 'stops public exposure'],
  logout: ['destructive', 'logs the node out and expires its key'],
  funnel: ['destructive', 'exposes a local service to the public internet'],
  'drive share': ['destructive', 'shares a local directory with the tailnet'],
  'drive unshare': ['destructive', 'removes a share'],
  'lock init': ['destructive', 'changes tailnet lock'],
  'lock add': ['destructive', 'changes tailnet lock trusted keys'],
  'lock remove': ['destructive', 'changes tailnet lock trusted keys'],
  'lock sign': ['destructive', 'authorises a node under tailnet lock'],
  'lock disable': ['destructive', 'disables tailnet lock'],
  'lock local-disable': ['destructive', 'disables tailnet lock locally'],
  'lock revoke-keys': ['destructive', 'revokes tailnet lock keys'],
  ssh: ['sensitive', 'opens an SSH session'],
  nc: ['sensitive', 'opens a raw connection to a peer'],
  cert: ['sensitive', 'obtains a TLS certificate and private key'],
  'file cp': ['sensitive', 'sends local files to a peer'],
  web: ['sensitive', 'serves the node management web UI'],
  login: ['unknown', 'starts an interactive login'],
  update: ['unknown', 'updates the installed tailscale'],
};

const HYBRID = new Set(['serve', 'funnel']);

export const tailscale: Grammar = {
  cli: CLI,
  argTable: () => GLOBAL_FLAGS,
  classify(args) {
    const walk = walkTree(args, TREE, { flags: () => GLOBAL_FLAGS });
    const help = helpVerdict(CLI, args, GLOBAL_FLAGS, ['-h', '--help', '-help', '--h']);
    if (help) return outcome(help, walk.path);
    if (walk.kind === 'group' && walk.path.length === 0 && walk.before.some((f) => f.names.includes('--version'))) {
      return outcome(verdict('read', 'tailscale --version prints the version'), []);
    }
    const problem = walkProblem(CLI, walk, false);
    if (problem) return outcome(problem, walk.path);
    let path = walk.path;
    let row = TABLE[path.join(' ')];
    if (!row && HYBRID.has(path[0] ?? '')) {
      // `tailscale serve 3000`: the second word is a target, not a subcommand.
      path = path.slice(0, 1);
      row = TABLE[path[0]!];
    }
    const key = path.join(' ');
    const v: Verdict = row
      ? verdict(row[0], `tailscale ${key} ${row[1]}`)
      : unknownVerb(CLI, path);
    return outcome(v, path);
  },
};
