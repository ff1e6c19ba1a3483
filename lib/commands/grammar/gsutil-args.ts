/** Argument rules for gsutil (5.x). See ./rules.ts for how they combine. */
import type { ArgRules, Hit, Scan } from './rules.ts';
import { EVERYONE } from './rules.ts';

const CLOUD = /^(gs|s3):\/\//i;
/** Canned ACL names `acl set` and `-a` take instead of a file. */
const CANNED = /^(private|public-read|public-read-write|authenticated-read|bucket-owner-read|bucket-owner-full-control|project-private)$/;

/** cp, mv, rsync: every path must be a cloud URL; `-` is standard output as the destination of cp. */
function localPath(scan: Scan): Hit | null {
  const ops = scan.operands;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (CLOUD.test(o)) continue;
    if (scan.path[0] === 'cp' && o === '-' && i === ops.length - 1 && i > 0) continue;
    return { value: o };
  }
  return null;
}

/** `<group> set FILE url`: the first operand is a local file (for acl/defacl, unless a canned ACL). */
function settingFile(scan: Scan): Hit | null {
  const first = scan.operands[0];
  if (first === undefined || CLOUD.test(first)) return null;
  if ((scan.path[0] === 'acl' || scan.path[0] === 'defacl') && CANNED.test(first)) return null;
  return { value: first };
}

export const gsutilArgs: ArgRules = {
  flags: { value: ['-a', '-h', '-p', '-L', '-i'], bool: ['-I'] },
  rules: [
    { id: 'gsutil.local-path', effect: 'refuse', on: ['cp', 'mv', 'rsync'], match: { test: localPath }, reason: "gsutil would read or write the local path '{value}'; only gs:// and s3:// URLs (and - for standard output) are allowed" },
    { id: 'gsutil.stdin-list', effect: 'refuse', on: ['cp', 'mv', 'rm', 'rewrite', 'setmeta'], match: { flag: ['-I'] }, reason: 'gsutil -I reads the list of objects from standard input' },
    { id: 'gsutil.manifest', effect: 'refuse', on: ['cp'], match: { flag: ['-L'] }, reason: 'gsutil cp -L writes a manifest to a local file' },
    { id: 'gsutil.setting-file', effect: 'refuse', on: ['acl set', 'defacl set', 'iam set', 'cors set', 'lifecycle set', 'label set', 'notification create'], match: { test: settingFile }, reason: "reads the setting from the local file '{value}'" },
    { id: 'gsutil.signurl-key', effect: 'refuse', on: ['signurl'], match: { operand: /^(?!gs:\/\/)/, at: 0 }, unless: { flag: ['-u'] }, reason: "gsutil signurl reads the private key file '{value}' locally; use -u to sign with the connected account" },
    { id: 'gsutil.boto-override', effect: 'refuse', match: { flag: ['-o'], value: /^(Credentials:|Boto:(proxy|ca_certificates_file|https_validate_certificates)|GSUtil:(state_dir|default_api_version|test_)|OAuth2:)|_host\s*=|_port\s*=/i }, reason: 'gsutil -o {value} changes endpoints, credentials or local state of the CLI' },
    { id: 'gsutil.impersonate', effect: 'refuse', match: { flag: ['-i'] }, reason: 'gsutil -i impersonates another service account than the connected one' },
    { id: 'gsutil.local-program', effect: 'refuse', on: ['config', 'update', 'test', 'perfdiag'], reason: '{command} is interactive, changes the local installation or runs local tests; it is refused' },

    { id: 'gsutil.public-acl', effect: 'destructive', match: { flag: ['-a'], value: /^(public-read|public-read-write|authenticated-read)$/ }, reason: 'gsutil -a {value} makes the objects public' },
    { id: 'gsutil.everyone', effect: 'destructive', on: ['iam ch', 'acl ch', 'defacl ch'], match: { arg: EVERYONE }, unless: { flag: ['-d'] }, reason: 'grants access to everyone ({value})' },
    { id: 'gsutil.versioning-off', effect: 'destructive', on: ['versioning set'], match: { operand: /^off$/i, at: 0 }, reason: 'gsutil versioning set off suspends object versioning' },
    { id: 'gsutil.retention-off', effect: 'destructive', on: ['retention clear', 'retention temp', 'retention event'], match: { operand: /^(release|clear)$/i }, reason: 'releases or clears a retention hold' },

    { id: 'gsutil.rsync-dry-run', effect: 'dry-run', on: ['rsync'], match: { flag: ['-n'] }, reason: 'gsutil rsync -n only shows what would be copied or deleted' },
  ],
};
