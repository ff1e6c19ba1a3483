import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api.ts';
import { pathFor, type Connector } from '../catalogue.ts';
import { useApp } from '../context.ts';
import { CopyField, Notice } from '../ui.tsx';

/**
 * What a few connectors need beyond their catalogue entry, in this one place: AWS issues an
 * External ID and a role template before its form makes sense; GCP runs a setup after its OAuth
 * return that the page follows. Everything else on the page comes from GET /api/connectors.
 */
export interface SetupFlow {
  statusPath(taskId: string): string;
  retryPath: string;
  /** projects that can be picked at most when the setup asks for a selection */
  selectionLimit: number;
}

export interface ConnectorExtras {
  /** shown above the connect form; hands values for same-named fields to the form */
  Onboarding?: (props: { connector: Connector; prefill(values: Record<string, string>): void }) => JSX.Element;
  setup?: SetupFlow;
}

interface AwsOnboarding {
  external_id: string;
  aurora_account_id: string;
  role_name: string;
  managed_policy_arn: string;
  trust_policy: unknown;
  cloudformation_template: unknown;
  quick_create_url?: string;
}

function AwsOnboardingPanel(props: { connector: Connector; prefill(values: Record<string, string>): void }): JSX.Element {
  const { api } = useApp();
  const [doc, setDoc] = useState<AwsOnboarding | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .send<AwsOnboarding>(props.connector.onboarding?.method ?? 'GET', pathFor(props.connector.onboarding?.path ?? '/aws/onboarding', props.connector))
      .then((d) => {
        if (!live) return;
        setDoc(d);
        props.prefill({ external_id: d.external_id });
      })
      .catch((e) => live && setError(messageOf(e)));
    return () => void (live = false);
  }, []);
  if (error) return <Notice kind="error">The AWS onboarding details could not be loaded: {error}</Notice>;
  if (!doc) return <p class="muted onboarding-placeholder">Loading the External ID issued to you…</p>;
  return (
    <section class="onboarding" aria-label="AWS role setup">
      <p>
        Create an IAM role named <code>{doc.role_name}</code> in your account that trusts Aurora's account <code>{doc.aurora_account_id}</code> with this External ID, and attach{' '}
        <code>{doc.managed_policy_arn}</code>. Then paste the role ARN below.
      </p>
      <CopyField label="External ID" value={doc.external_id} />
      <CopyField label="Aurora's AWS account" value={doc.aurora_account_id} />
      <details>
        <summary>Trust policy and CloudFormation template</summary>
        <CopyField label="Trust policy (JSON)" value={JSON.stringify(doc.trust_policy, null, 2)} multiline />
        <CopyField label="CloudFormation template (JSON)" value={JSON.stringify(doc.cloudformation_template, null, 2)} multiline />
      </details>
      {doc.quick_create_url && (
        <p>
          <a href={doc.quick_create_url} target="_blank" rel="noopener noreferrer">
            Create the role in the AWS console (opens a new tab)
          </a>
        </p>
      )}
    </section>
  );
}

export const EXTRAS: Record<string, ConnectorExtras> = {
  aws: { Onboarding: AwsOnboardingPanel },
  gcp: {
    setup: { statusPath: (taskId) => `/gcp/setup/status/${encodeURIComponent(taskId)}`, retryPath: '/gcp/post-auth-retry', selectionLimit: 5 },
  },
};
