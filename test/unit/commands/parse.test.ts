import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ARGS, MAX_COMMAND_LENGTH, parseCommand } from '../../../lib/commands/parse.ts';

function argv(command: string): string[] {
  const r = parseCommand(command);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(command)} to parse, got: ${r.reason}`);
  return r.argv;
}

function reason(command: string): string {
  const r = parseCommand(command);
  if (r.ok) throw new Error(`expected ${JSON.stringify(command)} to be rejected, got ${JSON.stringify(r.argv)}`);
  return r.reason;
}

describe('parseCommand: quoting', () => {
  it('splits on spaces and tabs, ignoring repeats and edges', () => {
    expect(argv('  gcloud \t compute   instances list  ')).toEqual(['gcloud', 'compute', 'instances', 'list']);
  });
  it('keeps single-quoted text literal, including $, backslash and double quotes', () => {
    expect(argv(`gcloud '$HOME \\n "x"'`)).toEqual(['gcloud', '$HOME \\n "x"']);
  });
  it('unescapes only " \\ $ and backtick inside double quotes', () => {
    expect(argv('gcloud "a\\"b \\\\ \\$ \\` \\n"')).toEqual(['gcloud', 'a"b \\ $ ` \\n']);
  });
  it('unescapes any character after a backslash outside quotes', () => {
    expect(argv('gcloud a\\ b \\; \\| \\* \\~x \\$HOME')).toEqual(['gcloud', 'a b', ';', '|', '*', '~x', '$HOME']);
  });
  it('joins adjacent quoted and unquoted parts into one word', () => {
    expect(argv(`gcloud --filter="name~'web'"'x'y"z"`)).toEqual(['gcloud', "--filter=name~'web'xyz"]);
  });
  it('keeps empty quoted words', () => {
    expect(argv(`gcloud '' ""`)).toEqual(['gcloud', '', '']);
  });
  it('treats shell operators inside quotes as literal text', () => {
    expect(argv(`gcloud compute instances list --filter="name~'web|api'"`)).toEqual([
      'gcloud', 'compute', 'instances', 'list', "--filter=name~'web|api'",
    ]);
    expect(argv(`aws ec2 describe-instances --query 'a > b && c; d | e < f'`)).toEqual([
      'aws', 'ec2', 'describe-instances', '--query', 'a > b && c; d | e < f',
    ]);
    expect(argv(`gcloud x "*?[]{a,b}~#"`)).toEqual(['gcloud', 'x', '*?[]{a,b}~#']);
  });
  it('keeps literal characters a shell keeps literal', () => {
    expect(argv('gcloud a#b price$ x=y a~b ] } ! % ^')).toEqual(['gcloud', 'a#b', 'price$', 'x=y', 'a~b', ']', '}', '!', '%', '^']);
    expect(argv('kubectl get pods -o jsonpath={.items}')).toEqual(['kubectl', 'get', 'pods', '-o', 'jsonpath={.items}']);
    expect(argv('gcloud --key-file=~/x')).toEqual(['gcloud', '--key-file=~/x']);
  });
  it('allows Unicode text and spaces inside quotes', () => {
    expect(argv("gcloud 'café\u00a0bar'")).toEqual(['gcloud', 'café\u00a0bar']);
  });
});

describe('parseCommand: glob and brace characters are literal argv', () => {
  // No shell runs and there are no local files to match, so what the user typed is what runs.
  it.each([
    ['gsutil ls gs://b/*', ['gsutil', 'ls', 'gs://b/*']],
    ['gsutil ls gs://b/**/x?.log', ['gsutil', 'ls', 'gs://b/**/x?.log']],
    ['az rest --url https://management.azure.com/subscriptions?api-version=2022-12-01', ['az', 'rest', '--url', 'https://management.azure.com/subscriptions?api-version=2022-12-01']],
    [
      'aws ec2 authorize-security-group-ingress --group-id sg-1 --ip-permissions IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/8}]',
      ['aws', 'ec2', 'authorize-security-group-ingress', '--group-id', 'sg-1', '--ip-permissions', 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/8}]'],
    ],
    ['aws ec2 describe-instances --query Reservations[].Instances[?State.Name==`running`]'.replace(/`running`/, 'running'), ['aws', 'ec2', 'describe-instances', '--query', 'Reservations[].Instances[?State.Name==running]']],
    ['gcloud x {a,b} x{1..3} [ab]', ['gcloud', 'x', '{a,b}', 'x{1..3}', '[ab]']],
  ])('%s', (command, expected) => {
    expect(argv(command)).toEqual(expected);
  });
});

describe('parseCommand: rejections name the construct', () => {
  const cases: Array<[string, RegExp]> = [
    ['gcloud x; rm -rf /', /separator ';'/],
    ['gcloud x & y', /background operator '&'/],
    ['gcloud x && y', /'&&'/],
    ['gcloud x || y', /'\|\|'/],
    ['gcloud x | y', /pipe '\|'/],
    ['gcloud x > out', /redirection '>'/],
    ['gcloud x >> out', /redirection '>>'/],
    ['gcloud x < in', /redirection '<'/],
    ['gcloud x 2> err', /redirection '2>'/],
    ['gcloud x 2>&1', /redirection '2>&'/],
    ['gcloud x &> all', /redirection '&>'/],
    ['gcloud x << EOF', /here-document '<<'/],
    ['gcloud x <<< word', /here-string '<<<'/],
    ['gcloud x <(ls)', /process substitution '<\(\.\.\.\)'/],
    ['gcloud x >(cat)', /process substitution '>\(\.\.\.\)'/],
    ['gcloud $(id)', /command substitution \$\(\.\.\.\)/],
    ['gcloud "$(id)"', /command substitution \$\(\.\.\.\).*inside double quotes/],
    ['gcloud $((1+1))', /arithmetic expansion/],
    ['gcloud `id`', /command substitution `\.\.\.`/],
    ['gcloud "`id`"', /command substitution `\.\.\.`.*inside double quotes/],
    ['gcloud $HOME', /variable expansion \$HOME/],
    ['gcloud "$HOME"', /variable expansion \$HOME.*inside double quotes/],
    ['gcloud ${HOME}', /parameter expansion \$\{\.\.\.\}/],
    ['gcloud "x${HOME}"', /parameter expansion/],
    ['gcloud $1', /special parameter/],
    ["gcloud $'\\x41'", /ANSI-C quoting/],
    ['FOO=bar gcloud compute instances list', /environment assignment 'FOO=\.\.\.'/],
    ['FOO="bar baz" gcloud x', /environment assignment 'FOO=\.\.\.'/],
    ['gcloud x\nrm -rf /', /newlines/],
    ['gcloud x\r', /newlines/],
    ["gcloud 'a\nb'", /newlines/],
    ['gcloud x\0', /NUL/],
    ['gcloud x\u0007', /control/],
    ['gcloud x\u202ey', /U\+202E/],
    ['gcloud x\u200by', /U\+200B/],
    ['gcloud x\u00a0y', /Unicode space U\+00A0/],
    ["gcloud 'unterminated", /unterminated single quote/],
    ['gcloud "unterminated', /unterminated double quote/],
    ['gcloud x\\', /trailing backslash/],
    ['gcloud ~/key.json', /tilde expansion/],
    ['gcloud ~root', /tilde expansion/],
    ['gcloud A=~/x', /tilde expansion '~' after '='/],
    ['gcloud PATH=/a:~/b', /tilde expansion '~' after '=' or ':'/],
    ['gcloud x # comment', /comment '#'/],
    ['gcloud (x)', /subshell/],
    ['', /empty command/],
    ['   \t ', /empty command/],
  ];
  it.each(cases)('%j', (command, re) => {
    expect(reason(command)).toMatch(re);
  });

  it('limits length and argument count', () => {
    expect(reason('gcloud ' + 'a'.repeat(MAX_COMMAND_LENGTH))).toMatch(/too long/);
    expect(reason('gcloud' + ' a'.repeat(MAX_ARGS))).toMatch(/too many arguments/);
    expect(parseCommand('gcloud' + ' a'.repeat(MAX_ARGS - 1)).ok).toBe(true);
  });

  it('rejects lone surrogates', () => {
    expect(reason('gcloud \ud800')).toMatch(/invalid Unicode/);
  });
});

describe('parseCommand: properties', () => {
  // Safe single-quoting is how a user would pass arbitrary text through a shell.
  const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const word = fc.string({ unit: fc.constantFrom(...'abc xyz-_=.,;:|&<>$`"\'\\*?[]{}()~#!/@%^+'.split('')), maxLength: 12 });

  it('round-trips any argv written with single quotes', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), (words) => {
        const r = parseCommand(words.map(shellQuote).join(' '));
        expect(r).toEqual({ ok: true, argv: words });
      }),
    );
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = parseCommand(s);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});
