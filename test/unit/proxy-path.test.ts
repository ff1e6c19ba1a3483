import { describe, expect, it } from 'vitest';
import { checkedPath, matchesPattern } from '../../lib/proxy/path.ts';

describe('proxy paths (lib/proxy/path.ts)', () => {
  it('keeps ordinary API paths as sent, percent-encoding included', () => {
    expect(checkedPath('/api/v1/monitor')).toBe('/api/v1/monitor');
    expect(checkedPath('api/v2/logs/events/search')).toBe('/api/v2/logs/events/search');
    expect(checkedPath('/api/dashboards/uid/web%20overview')).toBe('/api/dashboards/uid/web%20overview');
    expect(checkedPath('/api/v1/monitor/')).toBe('/api/v1/monitor/');
  });

  it.each([
    ['', 'names no API path'],
    ['/', 'names no API path'],
    ['/api/../x', 'dot segment'],
    ['/api/%2e%2e/x', 'dot segment'],
    ['/api/.%2E/x', 'dot segment'],
    ['/./api', 'dot segment'],
    ['/api%2fv1', 'encoded slash'],
    ['/api%5Cv1', 'encoded slash'],
    ['/https://evil.example/x', 'absolute URL'],
    ['/http%3a%2f%2fevil', 'absolute URL'],
    ['//evil.example/x', 'empty segment'],
    ['/api//x', 'empty segment'],
    ['/api/v1\\..\\x', 'characters'],
    ['/api/v1?x=1', 'characters'],
    ['/api/v1#frag', 'characters'],
    ['/api/%00', 'control character'],
    ['/api/%zz', 'characters'],
    ['/api/%E0%A4%A', 'characters'],
    [`/${'a'.repeat(3000)}`, 'longer than'],
  ])('%s → 400 (%s)', (raw, why) => {
    expect(() => checkedPath(raw)).toThrow(expect.objectContaining({ status: 400, field: 'path', message: expect.stringContaining(why) }));
  });

  it('read-only patterns match whole paths, {name} exactly one segment', () => {
    expect(matchesPattern('/api/ds/query', '/api/ds/query')).toBe(true);
    expect(matchesPattern('/api/ds/query', '/api/ds/query/')).toBe(true);
    expect(matchesPattern('/api/ds/query', '/api/ds/query/x')).toBe(false);
    expect(matchesPattern('/api/ds/query', '/api/ds')).toBe(false);
    expect(matchesPattern('/api/v2/spaces/{id}/data', '/api/v2/spaces/s1/data')).toBe(true);
    expect(matchesPattern('/api/v2/spaces/{id}/data', '/api/v2/spaces/s1/x/data')).toBe(false);
  });
});
