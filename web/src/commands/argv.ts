/**
 * The words of a command as the API displays it (lib/commands/output.ts displayCommand): each
 * argument bare when it is safe, else in single quotes with ' written as '\''. Reading it back
 * gives the exact argv the confirmation is bound to.
 */
export function displayedArgv(command: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i];
    if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      cur += command.slice(i + 1, end === -1 ? undefined : end);
      i = end === -1 ? command.length : end;
      inWord = true;
    } else if (ch === '\\' && i + 1 < command.length) {
      cur += command[++i];
      inWord = true;
    } else if (ch === ' ') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}
