import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { ensureHelm } from '../../scripts/helm.ts';
import { AGENT_VERSION } from '../../agent/src/version.ts';

/**
 * agent/chart rendered by the real helm (scripts/helm.ts fetches the pinned binary), and
 * agent/Dockerfile linted (there is no Docker engine to build it).
 */
const CHART = 'agent/chart';
// what a new token comes with (install.values_yaml): the two values the chart requires
const TOKEN_VALUES = ['--set', 'aurora.wsEndpoint=wss://aurora.example.com/kubectl-agent', '--set', `aurora.agentToken=aurora_kubectl_${'A'.repeat(43)}`];
let helm: string;

beforeAll(() => {
  helm = ensureHelm();
}, 300_000);

type Doc = Record<string, any>;
function render(...args: string[]): Doc[] {
  const out = execFileSync(helm, ['template', 'aurora-kubectl-agent', CHART, '--namespace', 'aurora', ...args], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as Doc).filter(Boolean);
}
const ofKind = (docs: Doc[], kind: string) => docs.filter((d) => d.kind === kind);

describe('agent/chart', () => {
  it('passes helm lint (strict)', () => {
    const r = spawnSync(helm, ['lint', CHART, '--strict', ...TOKEN_VALUES], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('0 chart(s) failed');
  });

  it('refuses to render without the token and the endpoint, naming them', () => {
    const r = spawnSync(helm, ['template', 'x', CHART], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/aurora\.(agentToken|wsEndpoint) is required/);
  });

  it('default values: a ClusterRole that grants no verb beyond get/list/watch and nothing on secrets', () => {
    const docs = render(...TOKEN_VALUES);
    const roles = [...ofKind(docs, 'ClusterRole'), ...ofKind(docs, 'Role')];
    expect(roles.map((r) => r.metadata.name)).toEqual(['aurora-kubectl-agent-read']);
    const rules = roles.flatMap((r) => r.rules as Doc[]);
    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) {
      expect(rule.verbs).toEqual(['get', 'list', 'watch']);
      expect(rule.resources).not.toContain('*');
      expect(rule.resources).not.toContain('secrets');
      expect(rule.apiGroups).not.toContain('*');
      expect(rule.nonResourceURLs).toBeUndefined();
      expect(rule.resourceNames).toBeUndefined();
      for (const r of rule.resources as string[]) expect(r, 'no exec, attach, port-forward, proxy or token subresources').not.toMatch(/\/(exec|attach|portforward|proxy|token)$/);
    }
    expect(rules.find((r) => r.apiGroups.includes(''))!.resources).toEqual(expect.arrayContaining(['pods', 'pods/log', 'namespaces', 'events']));
    expect(rules.find((r) => r.apiGroups.includes('apps'))!.resources).toContain('deployments');
    const bindings = ofKind(docs, 'ClusterRoleBinding');
    expect(bindings.map((b) => [b.roleRef.name, b.subjects])).toEqual([['aurora-kubectl-agent-read', [{ kind: 'ServiceAccount', name: 'aurora-kubectl-agent', namespace: 'aurora' }]]]);
    expect(ofKind(docs, 'ServiceAccount').map((s) => s.metadata.name)).toEqual(['aurora-kubectl-agent']);
  });

  it('default values: non-root, read-only root filesystem, all capabilities dropped, resource limits, the token from a Secret', () => {
    const docs = render(...TOKEN_VALUES);
    const [dep] = ofKind(docs, 'Deployment');
    const pod = dep.spec.template.spec;
    const [c] = pod.containers;
    expect(dep.spec.replicas).toBe(1);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } });
    expect(c.securityContext.capabilities.add).toBeUndefined();
    expect(c.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.image).toBe('your-registry/aurora-kubectl-agent:1.0.0');
    const env = Object.fromEntries((c.env as Doc[]).map((e) => [e.name, e]));
    expect(env.AURORA_WS_ENDPOINT.value).toBe('wss://aurora.example.com/kubectl-agent');
    expect(env.AURORA_AGENT_WRITE_MODE.value).toBe('false');
    expect(env.AURORA_AGENT_TOKEN).toEqual({ name: 'AURORA_AGENT_TOKEN', valueFrom: { secretKeyRef: { name: 'aurora-kubectl-agent-token', key: 'agent-token' } } });
    // the token appears in the Secret only, never as a plain env value
    expect(JSON.stringify(dep)).not.toContain('aurora_kubectl_');
    const [secret] = ofKind(docs, 'Secret');
    expect(Buffer.from(secret.data['agent-token'], 'base64').toString()).toBe(`aurora_kubectl_${'A'.repeat(43)}`);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(dep.metadata.labels.app).toBe('aurora-kubectl-agent');
  });

  it('values.yaml has aurora.wsEndpoint and aurora.agentToken as in the install docs, and the chart the agent version', () => {
    const values = parseAllDocuments(readFileSync(`${CHART}/values.yaml`, 'utf8'))[0].toJS() as Doc;
    expect(values.aurora).toMatchObject({ wsEndpoint: '', agentToken: '' });
    expect(values.agent.writeMode).toBe(false);
    const chart = parseAllDocuments(readFileSync(`${CHART}/Chart.yaml`, 'utf8'))[0].toJS() as Doc;
    expect(chart.appVersion).toBe(AGENT_VERSION);
    expect(values.agent.image.tag).toBe(AGENT_VERSION);
  });

  it('write mode is opt-in: a second role with write verbs, still nothing on secrets, exec or attach; the agent is told', () => {
    const docs = render(...TOKEN_VALUES, '--set', 'agent.writeMode=true');
    const write = ofKind(docs, 'ClusterRole').find((r) => r.metadata.name.endsWith('-write'))!;
    const verbs = new Set((write.rules as Doc[]).flatMap((r) => r.verbs));
    expect(verbs.has('delete')).toBe(true);
    for (const rule of write.rules as Doc[]) {
      expect(rule.resources).not.toContain('secrets');
      expect(rule.resources).not.toContain('*');
      for (const r of rule.resources as string[]) expect(r).not.toMatch(/\/(exec|attach|portforward|proxy)$/);
    }
    const env = (ofKind(docs, 'Deployment')[0].spec.template.spec.containers[0].env as Doc[]).find((e) => e.name === 'AURORA_AGENT_WRITE_MODE');
    expect(env?.value).toBe('true');
  });

  it('extra read rules get read verbs only, and may not name secrets', () => {
    const docs = render(...TOKEN_VALUES, '--set-json', 'rbac.extraReadResources=[{"apiGroups":["example.com"],"resources":["widgets"]}]');
    const extra = (ofKind(docs, 'ClusterRole')[0].rules as Doc[]).find((r) => r.apiGroups.includes('example.com'));
    expect(extra).toEqual({ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] });
    const r = spawnSync(helm, ['template', 'x', CHART, ...TOKEN_VALUES, '--set-json', 'rbac.extraReadResources=[{"apiGroups":[""],"resources":["secrets"]}]'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('must not name secrets');
  });

  it('an existing Secret replaces the chart’s own', () => {
    const docs = render('--set', 'aurora.wsEndpoint=wss://a.example/kubectl-agent', '--set', 'aurora.existingSecret=my-token');
    expect(ofKind(docs, 'Secret')).toEqual([]);
    const env = (ofKind(docs, 'Deployment')[0].spec.template.spec.containers[0].env as Doc[]).find((e) => e.name === 'AURORA_AGENT_TOKEN');
    expect(env?.valueFrom.secretKeyRef.name).toBe('my-token');
  });
});

describe('agent/Dockerfile', () => {
  const text = readFileSync('agent/Dockerfile', 'utf8');

  it('has no lint problems', () => {
    const problems = validate(text).filter((p) => p.severity === ValidationSeverity.ERROR || p.severity === ValidationSeverity.WARNING);
    expect(problems.map((p) => `${p.range.start.line + 1}: ${p.message}`)).toEqual([]);
  });

  it('pins kubectl by version and checksum, pins its base images, and runs as a non-root user', () => {
    expect(text).toMatch(/ARG KUBECTL_VERSION=v1\.\d+\.\d+/);
    expect(text).toMatch(/ARG KUBECTL_SHA256=[0-9a-f]{64}/);
    expect(text).toMatch(/sha256sum -c -/);
    for (const from of text.matchAll(/^FROM\s+(\S+)/gm)) expect(from[1], 'no floating tags').toMatch(/:(?!latest)[\w.-]*\d/);
    const users = [...text.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toMatch(/^[1-9]\d{3,}(:[1-9]\d{3,})?$/);
    expect(text).toMatch(/^ENTRYPOINT \[/m);
    expect(text).not.toMatch(/^ADD\s+https?:/m);
  });
});
