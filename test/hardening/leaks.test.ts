import { describe, expect, it } from 'vitest';
import { readCaptures } from '../helpers/capture.ts';

/**
 * Runs after the main project (vitest groupOrder): every response body and log line that any test
 * runtime of the suite produced, checked against every secret value those runtimes stored.
 */
describe('leak scan over the whole integration suite', () => {
  it('finds no stored secret value in any response body, log line or table item', () => {
    const captures = readCaptures();
    const secrets = [...new Set(captures.flatMap((c) => c.secrets))];
    let responses = 0;
    let logLines = 0;
    let items = 0;
    const hits: string[] = [];
    for (const c of captures) {
      responses += c.responses.length;
      logLines += c.logs.length;
      items += c.items?.length ?? 0;
      for (const text of [...c.responses, ...c.logs, ...(c.items ?? [])]) {
        for (const s of secrets) if (text.includes(s)) hits.push(`${c.file}: ${s.slice(0, 4)}… in ${text.slice(0, 160)}`);
      }
    }
    // secret values typed into commands (cloud_tool): the audit keeps argv, with those values redacted
    const typed = [...new Set(captures.flatMap((c) => c.auditSecrets ?? []))];
    for (const c of captures) {
      for (const text of [...c.logs, ...(c.items ?? [])]) {
        for (const s of typed) if (text.includes(s)) hits.push(`${c.file}: typed secret ${s.slice(0, 4)}… in ${text.slice(0, 160)}`);
      }
    }
    console.log(`leak scan: ${captures.length} runtimes, ${secrets.length} secret values, ${typed.length} typed secret values, ${responses} response bodies, ${logLines} log lines, ${items} table items scanned`);
    expect(hits).toEqual([]);
    expect(captures.length).toBeGreaterThan(0);
    expect(secrets.length).toBeGreaterThan(0);
  });
});
