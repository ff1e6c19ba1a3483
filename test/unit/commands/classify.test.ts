import { describe, expect, it, vi } from 'vitest';
import type { AnalysisClass } from '../../../lib/commands/classify.ts';
import { analyzeCommand, classify, isReadOnly, needsConfirmation, loadCommandPolicies } from '../../../lib/commands/classify.ts';
import { checkBinary, PROVIDER_BINARIES } from '../../../lib/commands/binaries.ts';

// the CLIs' policies load on first use in the service (lib/commands/classify.ts); here, all of them
await loadCommandPolicies();

type Row = [command: string, expected: AnalysisClass];

function table(provider: string, rows: Row[]) {
  it.each(rows)(`${provider}: %s → %s`, (command, expected) => {
    const r = analyzeCommand(provider, command);
    expect({ command, class: r.class, reason: r.reason }).toMatchObject({ class: expected });
    expect(r.reason.length).toBeGreaterThan(0);
  });
}

describe('providers and binaries', () => {
  it('keeps the binary list as data', () => {
    expect(PROVIDER_BINARIES.gcp).toEqual(['gcloud', 'gsutil', 'bq', 'kubectl']);
    expect(PROVIDER_BINARIES.aws).toEqual(['aws', 'kubectl']);
    expect(PROVIDER_BINARIES.azure).toEqual(['az', 'kubectl']);
    expect(PROVIDER_BINARIES.scaleway).toEqual(['scw']);
    expect(PROVIDER_BINARIES.tailscale).toEqual(['tailscale']);
    expect(PROVIDER_BINARIES.ovh).toEqual(['ovhcloud']);
  });
  it('refuses a binary of another provider with the contract message', () => {
    expect(analyzeCommand('gcp', 'aws s3 ls')).toEqual({ class: 'rejected', reason: "Command 'aws' is not allowed for provider gcp" });
    expect(analyzeCommand('scaleway', 'kubectl get pods').reason).toBe("Command 'kubectl' is not allowed for provider scaleway");
    expect(analyzeCommand('aws', 'bash -c ls').reason).toBe("Command 'bash' is not allowed for provider aws");
  });
  it('refuses binaries given as paths', () => {
    for (const cmd of ['/usr/bin/gcloud compute instances list', './gcloud version', 'bin/gcloud version', '..\\gcloud x']) {
      expect(analyzeCommand('gcp', cmd).class).toBe('rejected');
    }
    expect(checkBinary('gcp', '/usr/bin/gcloud')).toMatchObject({ ok: false, reason: expect.stringMatching(/path/) });
  });
  it('refuses unknown providers and bad syntax', () => {
    expect(analyzeCommand('mars', 'gcloud version')).toMatchObject({ class: 'rejected', reason: expect.stringMatching(/Unsupported provider: mars/) });
    expect(analyzeCommand('gcp', 'gcloud version; id')).toMatchObject({ class: 'rejected', reason: expect.stringMatching(/separator/) });
  });
  it('kubectl is shared by gcp, aws and azure', () => {
    for (const p of ['gcp', 'aws', 'azure']) expect(analyzeCommand(p, 'kubectl get pods').class).toBe('read');
  });
  it('returns argv, binary and path with the class', () => {
    expect(analyzeCommand('gcp', 'gcloud --project p compute instances stop vm-1 --zone z')).toEqual({
      class: 'write',
      reason: expect.any(String),
      argv: ['gcloud', '--project', 'p', 'compute', 'instances', 'stop', 'vm-1', '--zone', 'z'],
      binary: 'gcloud',
      path: ['compute', 'instances', 'stop'],
      rules: [],
    });
    expect(classify('aws', ['aws', 'ec2', 'describe-instances'])).toMatchObject({ class: 'read', binary: 'aws', path: ['ec2', 'describe-instances'] });
  });
  it('states the policy helpers', () => {
    expect(isReadOnly('read')).toBe(true);
    for (const c of ['write', 'destructive', 'sensitive', 'unknown', 'rejected'] as const) expect(isReadOnly(c)).toBe(false);
    for (const c of ['destructive', 'sensitive', 'unknown'] as const) expect(needsConfirmation(c)).toBe(true);
    for (const c of ['read', 'write'] as const) expect(needsConfirmation(c)).toBe(false);
  });
});

describe('what the reference implementation gets wrong', () => {
  // The seed's regexes, verbatim: the baseline this classifier must beat.
  const baselineRead = (cmd: string) =>
    [/^gcloud .*(list|describe|get|show)/, /^aws .*(describe|list|get)/, /^az .*(list|show|get)/, /^kubectl (get|describe)/].some((re) =>
      re.test(cmd.trim()),
    );
  const baselineBlocked = (cmd: string) => [';', '&&', '||', '|', '>', '<', '`', '$'].some((c) => cmd.includes(c));

  const misreadAsRead: Array<[string, string, AnalysisClass]> = [
    ['gcp', 'gcloud compute instances stop target-vm', 'write'],
    ['gcp', 'gcloud compute instances delete web-1 --project=my-list-project', 'destructive'],
    ['gcp', 'gcloud compute instances create listener --zone us-central1-a', 'write'],
    ['gcp', 'gcloud projects add-iam-policy-binding target-project --member user:x@example.com --role roles/owner', 'destructive'],
    ['gcp', 'gcloud secrets versions access latest --secret=widget-db-password', 'sensitive'],
    // --profile picks other credentials: refused since issue 9, which is still not read.
    ['aws', "aws ec2 terminate-instances --instance-ids i-1 --query 'TerminatingInstances[].InstanceId' --profile budget", 'rejected'],
    ['aws', 'aws ec2 run-instances --image-id ami-1 --key-name gadget --query Instances', 'write'],
    ['aws', 'aws secretsmanager get-secret-value --secret-id prod/db', 'sensitive'],
    ['aws', 'aws iam attach-role-policy --role-name target --policy-arn arn:aws:iam::aws:policy/AdministratorAccess', 'destructive'],
    ['azure', 'az vm delete -g rg -n showcase --query "[].id" --yes', 'destructive'],
    ['azure', 'az keyvault secret show --vault-name v --name s', 'sensitive'],
    ['azure', 'az role assignment create --assignee widget@example.com --role Owner --query id', 'destructive'],
    ['gcp', 'kubectl get secret db -o yaml', 'sensitive'],
  ];
  it.each(misreadAsRead)('%s: %s is %s, not read', (provider, cmd, expected) => {
    expect(baselineRead(cmd)).toBe(true);
    expect(analyzeCommand(provider, cmd).class).toBe(expected);
  });

  const blockedButFine: Array<[string, string, AnalysisClass]> = [
    ['gcp', `gcloud compute instances list --filter="name~'web|api'"`, 'read'],
    ['aws', `aws ec2 describe-instances --query 'Reservations[].Instances[?State.Name==\`running\`]'`, 'read'],
    ['azure', `az vm list --query "[?powerState=='VM running'] | [0]"`, 'read'],
    ['gcp', `gcloud logging read 'severity>=ERROR AND resource.type="gce_instance"' --limit 10`, 'read'],
  ];
  it.each(blockedButFine)('%s: %s runs as %s', (provider, cmd, expected) => {
    expect(baselineBlocked(cmd)).toBe(true);
    expect(analyzeCommand(provider, cmd).class).toBe(expected);
  });

  it('does not treat --format or --query values as the verb', () => {
    expect(analyzeCommand('gcp', 'gcloud compute instances delete x --format=list').class).toBe('destructive');
    expect(analyzeCommand('aws', 'aws ec2 stop-instances --instance-ids i-1 --query "[].list" --output text').class).toBe('write');
    expect(analyzeCommand('gcp', 'gcloud --format list compute instances start vm').class).toBe('write');
  });
});

describe('gcloud', () => {
  table('gcp', [
    ['gcloud compute instances list', 'read'],
    ['gcloud compute instances list --format=json --filter="status=RUNNING" --project my-project', 'read'],
    ['gcloud --project my-project compute instances describe vm --zone us-central1-a', 'read'],
    ['gcloud beta compute instances list', 'read'],
    ['gcloud alpha compute instances delete vm', 'destructive'],
    ['gcloud compute instances stop target-vm', 'write'],
    ['gcloud compute instances start vm', 'write'],
    ['gcloud run deploy svc --image gcr.io/p/i', 'write'],
    ['gcloud compute instances set-machine-type vm --machine-type e2-small', 'write'],
    ['gcloud compute instances add-metadata vm --metadata k=v', 'write'],
    ['gcloud compute instances update vm --deletion-protection', 'write'],
    ['gcloud projects delete delete-me-project', 'destructive'],
    ['gcloud compute disks delete d --quiet', 'destructive'],
    ['gcloud storage rm --recursive gs://b', 'destructive'],
    ['gcloud storage rsync gs://a gs://b --recursive', 'write'],
    ['gcloud storage rsync gs://a gs://b --recursive --delete-unmatched-destination-objects', 'destructive'],
    ['gcloud storage cat gs://b/o', 'read'],
    ['gcloud storage cp a gs://b', 'rejected'],
    ['gcloud projects add-iam-policy-binding p --member=user:a --role=roles/viewer', 'destructive'],
    ['gcloud projects remove-iam-policy-binding p --member=user:a --role=roles/viewer', 'destructive'],
    ['gcloud projects set-iam-policy p policy.json', 'rejected'],
    ['gcloud projects get-iam-policy p', 'read'],
    ['gcloud iam roles create r --project p --permissions a', 'destructive'],
    ['gcloud iam service-accounts create sa', 'destructive'],
    ['gcloud compute firewall-rules create allow-all --allow tcp', 'destructive'],
    ['gcloud sql users set-password root --instance i --password x', 'destructive'],
    ['gcloud resource-manager org-policies disable-enforce constraints/iam.allowedPolicyMemberDomains --project p', 'destructive'],
    ['gcloud secrets versions access latest --secret s', 'sensitive'],
    ['gcloud secrets versions list --secret s', 'read'],
    ['gcloud secrets versions add s --data-file=f', 'rejected'],
    ['gcloud auth print-access-token', 'sensitive'],
    ['gcloud auth print-identity-token', 'sensitive'],
    ['gcloud auth application-default print-access-token', 'sensitive'],
    ['gcloud auth list', 'read'],
    ['gcloud iam service-accounts keys create key.json --iam-account sa@p.iam.gserviceaccount.com', 'rejected'],
    ['gcloud iam service-accounts keys list --iam-account sa', 'read'],
    ['gcloud container clusters get-credentials c --zone z', 'sensitive'],
    ['gcloud container clusters list', 'read'],
    ['gcloud compute ssh vm --command "cat /etc/passwd"', 'rejected'],
    ['gcloud compute scp vm:/etc/passwd .', 'rejected'],
    ['gcloud redis instances get-auth-string r --region r', 'sensitive'],
    ['gcloud kms decrypt --key k --keyring r --location global --ciphertext-file c --plaintext-file -', 'rejected'],
    ['gcloud kms encrypt --key k --keyring r --location global --plaintext-file p --ciphertext-file c', 'rejected'],
    ['gcloud storage hmac create sa@p.iam.gserviceaccount.com', 'sensitive'],
    ['gcloud sql export csv inst gs://b/f.csv --query "select 1"', 'write'],
    ['gcloud builds triggers create github --repo-name r', 'write'],
    ['gcloud compute health-checks create http hc', 'write'],
    ['gcloud config set project p', 'rejected'],
    ['gcloud config set auth/access_token_file /tmp/t', 'rejected'],
    ['gcloud config list', 'read'],
    ['gcloud compute instances list --access-token-file=/etc/token', 'rejected'],
    ['gcloud compute instances list --flags-file=f.yaml', 'rejected'],
    ['gcloud help compute instances', 'read'],
    ['gcloud --help', 'read'],
    ['gcloud -h', 'read'],
    ['gcloud compute instances delete vm --help', 'read'],
    ['gcloud version', 'read'],
    ['gcloud --version', 'read'],
    ['gcloud info', 'read'],
    ['gcloud topic filters', 'read'],
    ['gcloud init', 'rejected'],
    ['gcloud components install kubectl', 'rejected'],
    ['gcloud compute instances frobnicate vm', 'unknown'],
    ['gcloud compute', 'unknown'],
    ['gcloud', 'unknown'],
    ['gcloud notaservice list', 'unknown'],
    ['gcloud --unknown-flag compute instances list', 'unknown'],
    ['gcloud compute instances delete x --format --help', 'destructive'],
  ]);
});

describe('aws', () => {
  table('aws', [
    ['aws ec2 describe-instances', 'read'],
    ['aws ec2 describe-instances --instance-ids i-0list', 'read'],
    ['aws --region us-east-1 --profile p ec2 describe-instances --output json --query "Reservations[].Instances[]"', 'rejected'],
    ['aws s3 ls', 'read'],
    ['aws s3 ls s3://bucket/delete-me/', 'read'],
    ['aws s3api list-buckets', 'read'],
    ['aws sts get-caller-identity', 'read'],
    ['aws logs filter-log-events --log-group-name g', 'read'],
    ['aws ec2 wait instance-running --instance-ids i-1', 'read'],
    ['aws ec2 start-instances --instance-ids i-1', 'write'],
    ['aws ec2 stop-instances --instance-ids i-1', 'write'],
    ['aws ec2 run-instances --image-id ami-1', 'write'],
    ['aws s3 cp f s3://b/f', 'rejected'],
    ['aws s3 mv s3://b/a s3://b/b', 'write'],
    ['aws s3 mb s3://b', 'write'],
    ['aws s3 sync . s3://b', 'rejected'],
    ['aws s3 sync . s3://b --delete', 'rejected'],
    ['aws lambda invoke --function-name f out.json', 'rejected'],
    ['aws ec2 terminate-instances --instance-ids i-1', 'destructive'],
    ['aws s3 rm s3://b/k', 'destructive'],
    ['aws s3 rm s3://b --recursive', 'destructive'],
    ['aws s3 rb s3://b --force', 'destructive'],
    ['aws rds delete-db-instance --db-instance-identifier d', 'destructive'],
    ['aws ec2 revoke-security-group-ingress --group-id g', 'destructive'],
    ['aws ec2 authorize-security-group-ingress --group-id g --protocol tcp --port 22 --cidr 0.0.0.0/0', 'destructive'],
    ['aws sqs purge-queue --queue-url u', 'destructive'],
    ['aws iam attach-role-policy --role-name r --policy-arn p', 'destructive'],
    ['aws iam put-role-policy --role-name r --policy-name n --policy-document file://p.json', 'rejected'],
    ['aws iam put-user-policy --user-name u --policy-name n --policy-document x', 'destructive'],
    ['aws iam create-user --user-name u', 'destructive'],
    ['aws iam list-users', 'read'],
    ['aws s3api put-bucket-policy --bucket b --policy x', 'destructive'],
    ['aws s3api put-bucket-acl --bucket b --acl public-read', 'destructive'],
    ['aws s3api put-bucket-lifecycle-configuration --bucket b --lifecycle-configuration x', 'destructive'],
    ['aws kms schedule-key-deletion --key-id k', 'destructive'],
    ['aws ec2 modify-snapshot-attribute --snapshot-id s --attribute createVolumePermission', 'destructive'],
    ['aws secretsmanager get-secret-value --secret-id s', 'sensitive'],
    ['aws secretsmanager describe-secret --secret-id s', 'read'],
    ['aws secretsmanager list-secrets', 'read'],
    ['aws ssm get-parameter --name p', 'read'],
    ['aws ssm get-parameter --name p --with-decryption', 'sensitive'],
    ['aws ssm get-parameters --names a b --with-decryption', 'sensitive'],
    ['aws ssm get-parameters-by-path --path / --recursive --with-decryption', 'sensitive'],
    ['aws ssm get-parameter --name p --with-decrypt', 'sensitive'],
    [`aws ssm get-parameter --cli-input-json '{"Name":"p","WithDecryption":true}'`, 'sensitive'],
    ['aws kms decrypt --ciphertext-blob fileb://c', 'rejected'],
    ['aws kms generate-data-key --key-id k', 'sensitive'],
    ['aws iam create-access-key --user-name u', 'sensitive'],
    ['aws iam list-access-keys', 'read'],
    ['aws sts get-session-token', 'sensitive'],
    ['aws sts assume-role --role-arn r --role-session-name s', 'sensitive'],
    ['aws ecr get-login-password --region us-east-1', 'sensitive'],
    ['aws eks get-token --cluster-name c', 'sensitive'],
    ['aws eks update-kubeconfig --name c', 'write'],
    ['aws ec2 get-password-data --instance-id i-1', 'sensitive'],
    ['aws ec2 create-key-pair --key-name k', 'sensitive'],
    ['aws rds generate-db-auth-token --hostname h --port 5432 --username u', 'sensitive'],
    ['aws ssm start-session --target i-1', 'rejected'],
    ['aws s3 presign s3://b/k', 'sensitive'],
    ['aws glue get-connection --name c', 'sensitive'],
    ['aws glue get-connection --name c --hide-password', 'read'],
    ['aws configure list', 'read'],
    ['aws configure get aws_secret_access_key', 'sensitive'],
    ['aws configure export-credentials', 'sensitive'],
    ['aws configure', 'rejected'],
    ['aws dynamodb execute-statement --statement "DELETE FROM t WHERE id = 1"', 'destructive'],
    ['aws dynamodb execute-statement --statement "SELECT * FROM t"', 'write'],
    ['aws --debug ec2 describe-instances', 'sensitive'],
    ['aws s3 ls --endpoint-url https://example.invalid', 'rejected'],
    ['aws help', 'read'],
    ['aws ec2 help', 'read'],
    ['aws ec2 describe-instances help', 'read'],
    ['aws ec2 terminate-instances --instance-ids i-1 help', 'destructive'],
    ['aws --version', 'read'],
    ['aws ec2 frobnicate-things', 'unknown'],
    ['aws ec2', 'unknown'],
    ['aws', 'unknown'],
    ['aws --reg us-east-1 ec2 describe-instances', 'unknown'],
  ]);
});

describe('az', () => {
  table('azure', [
    ['az vm list', 'read'],
    ['az vm list -g rg -o table --query "[].name"', 'read'],
    ['az vm show -g rg -n vm', 'read'],
    ['az group list', 'read'],
    ['az account show', 'read'],
    ['az network nsg list', 'read'],
    ['az storage blob list -c c --account-name a', 'read'],
    ['az keyvault secret list --vault-name v', 'read'],
    ['az keyvault key list --vault-name v', 'read'],
    ['az aks get-versions -l westeurope', 'read'],
    ['az group export -n rg', 'read'],
    ['az vm start -g rg -n vm', 'write'],
    ['az vm stop -g rg -n vm', 'write'],
    ['az vm create -g rg -n vm --image Ubuntu2204', 'write'],
    ['az group create -n rg -l westeurope', 'write'],
    ['az keyvault secret set --vault-name v -n s --value x', 'write'],
    ['az webapp deployment slot swap -g rg -n app -s staging', 'write'],
    ['az group delete -n rg --yes', 'destructive'],
    ['az vm delete -g rg -n vm --yes', 'destructive'],
    ['az keyvault secret purge --vault-name v -n s', 'destructive'],
    ['az role assignment create --assignee x --role Reader --scope /subscriptions/s', 'destructive'],
    ['az role assignment delete --assignee x', 'destructive'],
    ['az role definition create --role-definition r.json', 'rejected'],
    ['az ad user create --display-name x --password y --user-principal-name z', 'destructive'],
    ['az network nsg rule create -g rg --nsg-name n -n r --priority 100 --access Allow', 'destructive'],
    ['az vm open-port -g rg -n vm --port 22', 'destructive'],
    ['az deployment group create -g rg --template-file t.json --mode Complete', 'rejected'],
    ['az deployment group create -g rg --template-file t.json', 'rejected'],
    ['az storage blob sync -c c --account-name a -s .', 'rejected'],
    ['az storage blob sync -c c --account-name a -s . --delete-destination false', 'rejected'],
    ['az vm identity assign -g rg -n vm --role Contributor --scope /subscriptions/s', 'destructive'],
    ['az keyvault secret show --vault-name v -n s', 'sensitive'],
    ['az keyvault secret download --vault-name v -n s -f out', 'rejected'],
    ['az aks get-credentials -g rg -n c', 'sensitive'],
    ['az account get-access-token', 'sensitive'],
    ['az ad sp credential reset --id x', 'sensitive'],
    ['az ad sp create-for-rbac -n x --role Contributor', 'sensitive'],
    ['az vm run-command invoke -g rg -n vm --command-id RunShellScript --scripts "id"', 'sensitive'],
    ['az storage account keys list -n a', 'sensitive'],
    ['az storage account show-connection-string -n a', 'sensitive'],
    ['az storage container generate-sas -n c --account-name a', 'sensitive'],
    ['az webapp config appsettings list -g rg -n app', 'sensitive'],
    ['az cosmosdb keys list -g rg -n db', 'sensitive'],
    ['az acr credential show -n r', 'sensitive'],
    ['az acr login -n r --expose-token', 'sensitive'],
    ["az rest --method get --url '/subscriptions/s/resourceGroups?api-version=2021-04-01'", 'read'],
    ['az rest --method delete --url https://management.azure.com/subscriptions/s/resourceGroups/rg', 'destructive'],
    ['az rest --url https://example.invalid/x', 'sensitive'],
    ['az --version', 'read'],
    ['az vm delete --help', 'read'],
    ['az vm', 'unknown'],
    ['az vm frobnicate', 'unknown'],
    ['az unknowngroup list', 'unknown'],
    ['az extension add -n x', 'rejected'],
  ]);
});

describe('kubectl', () => {
  table('gcp', [
    ['kubectl get pods', 'read'],
    ['kubectl get pods -A -o wide', 'read'],
    ['kubectl get pods -o yaml', 'read'],
    ['kubectl get deployments -n prod -o json', 'read'],
    ['kubectl get secrets', 'read'],
    ['kubectl get secrets -o name', 'read'],
    ['kubectl get secret db -o wide', 'read'],
    ['kubectl get secret db -o yaml', 'sensitive'],
    ['kubectl get secrets -o json', 'sensitive'],
    ['kubectl get secret db -o jsonpath={.data.password}', 'sensitive'],
    [`kubectl get secret db -o 'jsonpath={.data.password}'`, 'sensitive'],
    ['kubectl get secret db -ojson', 'sensitive'],
    ['kubectl get secret db --output=yaml', 'sensitive'],
    ['kubectl get secret db --template {{.data}}', 'sensitive'],
    ['kubectl get secret db -o custom-columns=P:.data.password', 'sensitive'],
    ['kubectl get secrets.v1. db -o yaml', 'sensitive'],
    ['kubectl get Secret db -o yaml', 'sensitive'],
    ['kubectl get pods,secrets -o yaml', 'sensitive'],
    ['kubectl get pod/a secret/b -o yaml', 'sensitive'],
    ['kubectl -o yaml get secret db', 'sensitive'],
    ['kubectl get -f manifest.yaml -o yaml', 'rejected'],
    ['kubectl get --raw /api/v1/namespaces/default/secrets', 'sensitive'],
    ['kubectl get --raw /healthz', 'read'],
    ['kubectl get pods secret -o yaml', 'read'],
    ['kubectl -n secret get pods -o yaml', 'read'],
    ['kubectl get pods -l app=secret -o yaml', 'read'],
    ['kubectl describe secret db', 'read'],
    ['kubectl describe pods', 'read'],
    ['kubectl logs pod -c app --tail 100', 'read'],
    ['kubectl logs -f pod', 'read'],
    ['kubectl top pods', 'read'],
    ['kubectl explain pods', 'read'],
    ['kubectl api-resources', 'read'],
    ['kubectl version --client', 'read'],
    ['kubectl version', 'read'],
    ['kubectl cluster-info', 'read'],
    ['kubectl auth can-i delete pods', 'read'],
    ['kubectl rollout status deploy/web', 'read'],
    ['kubectl config view', 'read'],
    ['kubectl config get-contexts', 'read'],
    ['kubectl help', 'read'],
    ['kubectl delete --help', 'read'],
    ['kubectl apply -f manifest.yaml', 'rejected'],
    ['kubectl create -f manifest.yaml', 'rejected'],
    ['kubectl create deployment web --image=nginx', 'write'],
    ['kubectl create secret generic s --from-literal=k=v', 'write'],
    ['kubectl scale deploy/web --replicas=3', 'write'],
    ['kubectl rollout restart deploy/web', 'write'],
    ['kubectl label pods p a=b --overwrite', 'write'],
    // Without commas a shell does no brace expansion: bash passes {spec:{replicas:1}} too.
    ['kubectl patch deploy web -p {"spec":{"replicas":1}}', 'write'],
    // Braces are literal argv (no shell expands them), so the JSON reaches kubectl as typed.
    ['kubectl patch deploy web -p {"a":1,"b":2}', 'write'],
    [`kubectl patch deploy web -p '{"spec":{"replicas":1}}'`, 'write'],
    ['kubectl replace -f manifest.yaml', 'rejected'],
    ['kubectl cordon node-1', 'write'],
    ['kubectl set image deploy/web web=nginx:2', 'write'],
    ['kubectl set env deploy/web --list', 'read'],
    ['kubectl set env deploy/web --list --resolve', 'sensitive'],
    ['kubectl cp ./local pod:/tmp/x', 'rejected'],
    ['kubectl delete pod web-1', 'destructive'],
    ['kubectl delete pods --all --force --grace-period=0', 'destructive'],
    ['kubectl drain node-1 --ignore-daemonsets', 'destructive'],
    ['kubectl replace --force -f manifest.yaml', 'rejected'],
    ['kubectl apply -f dir --prune -l app=web', 'rejected'],
    ['kubectl create clusterrolebinding admin --clusterrole=cluster-admin --user=x', 'destructive'],
    ['kubectl create rolebinding r --role=r --user=x', 'destructive'],
    ['kubectl certificate approve csr-1', 'destructive'],
    ['kubectl exec -it pod -- sh', 'rejected'],
    ['kubectl exec pod -- cat /etc/passwd', 'rejected'],
    ['kubectl exec pod -- sh --help', 'rejected'],
    ['kubectl cp pod:/etc/passwd ./passwd', 'rejected'],
    ['kubectl cp -n ns pod:/data ./data', 'rejected'],
    ['kubectl port-forward svc/db 5432:5432', 'rejected'],
    ['kubectl proxy', 'rejected'],
    ['kubectl attach pod', 'rejected'],
    ['kubectl debug node/n -it --image=busybox', 'rejected'],
    ['kubectl create token default', 'sensitive'],
    ['kubectl config view --raw', 'sensitive'],
    ['kubectl get pods --server https://example.invalid', 'rejected'],
    ['kubectl get pods --kubeconfig /etc/kubernetes/admin.conf', 'rejected'],
    ['kubectl delete pod x -n --help', 'destructive'],
    ['kubectl --bogus get delete pod x', 'unknown'],
    ['kubectl frobnicate', 'rejected'],
    ['kubectl config', 'unknown'],
    ['kubectl', 'unknown'],
  ]);
});

describe('gsutil', () => {
  table('gcp', [
    ['gsutil ls', 'read'],
    ['gsutil ls -l gs://bucket/delete/', 'read'],
    ['gsutil cat gs://b/o', 'read'],
    ['gsutil du -s gs://b', 'read'],
    ['gsutil stat gs://b/o', 'read'],
    ['gsutil iam get gs://b', 'read'],
    ['gsutil acl get gs://b', 'read'],
    ['gsutil help cp', 'read'],
    ['gsutil version -l', 'read'],
    ['gsutil cp f gs://b/o', 'rejected'],
    ['gsutil -m cp -r dir gs://b', 'rejected'],
    ['gsutil -h "Cache-Control:no-cache" cp f gs://b', 'rejected'],
    ['gsutil mv gs://b/a gs://b/b', 'write'],
    ['gsutil mb gs://b', 'write'],
    ['gsutil rsync -r gs://a gs://b', 'write'],
    ['gsutil rsync -d -r gs://a gs://b', 'destructive'],
    ['gsutil rsync -rd gs://a gs://b', 'destructive'],
    ['gsutil rsync -x d -r gs://a gs://b', 'write'],
    ['gsutil versioning set on gs://b', 'write'],
    ['gsutil rm gs://b/o', 'destructive'],
    ['gsutil -m rm -r gs://b', 'destructive'],
    ['gsutil rb gs://b', 'destructive'],
    ['gsutil iam ch user:x@example.com:objectViewer gs://b', 'destructive'],
    ['gsutil iam ch -d allUsers gs://b', 'destructive'],
    ['gsutil iam set p.json gs://b', 'rejected'],
    ['gsutil acl ch -u AllUsers:R gs://b/o', 'destructive'],
    ['gsutil acl set public-read gs://b/o', 'destructive'],
    ['gsutil defacl ch -u AllUsers:R gs://b', 'destructive'],
    ['gsutil lifecycle set lc.json gs://b', 'rejected'],
    ['gsutil signurl key.json gs://b/o', 'rejected'],
    ['gsutil hmac create sa@p.iam.gserviceaccount.com', 'sensitive'],
    ['gsutil -D ls', 'sensitive'],
    ['gsutil -o Credentials:gs_json_host=example.invalid ls', 'rejected'],
    ['gsutil config', 'rejected'],
    ['gsutil frob', 'unknown'],
  ]);
});

describe('bq', () => {
  table('gcp', [
    ['bq ls', 'read'],
    ['bq ls --project_id=p', 'read'],
    ['bq --project_id p ls -n 10 ds', 'read'],
    ['bq show ds.t', 'read'],
    ['bq head -n 10 ds.t', 'read'],
    ['bq query "SELECT name FROM ds.t WHERE note = \'DROP TABLE\'"', 'read'],
    ['bq query --use_legacy_sql=false "SELECT 1"', 'read'],
    ['bq query --nouse_legacy_sql "WITH a AS (SELECT 1) SELECT * FROM a"', 'read'],
    ['bq query "DELETE FROM ds.t WHERE true"', 'destructive'],
    ['bq query "DROP TABLE ds.t"', 'destructive'],
    ['bq query "INSERT INTO ds.t VALUES (1)"', 'write'],
    ['bq query "SELECT 1; DROP TABLE ds.t"', 'destructive'],
    ['bq query --destination_table ds.out "SELECT 1"', 'write'],
    ['bq query --replace --destination_table ds.out "SELECT 1"', 'destructive'],
    ['bq query', 'unknown'],
    ['bq mk ds', 'write'],
    ['bq load ds.t gs://b/f.csv', 'write'],
    ['bq load --replace ds.t gs://b/f.csv', 'destructive'],
    ['bq cp ds.a ds.b', 'write'],
    ['bq cp -f ds.a ds.b', 'destructive'],
    ['bq rm -f -t ds.t', 'destructive'],
    ['bq rm -r -f ds', 'destructive'],
    ['bq add-iam-policy-binding --member=user:x --role=roles/bigquery.dataViewer ds.t', 'destructive'],
    ['bq --apilog=stdout ls', 'sensitive'],
    ['bq --api https://example.invalid ls', 'rejected'],
    ['bq help', 'read'],
    ['bq --help', 'read'],
    ['bq version', 'read'],
    ['bq shell', 'rejected'],
  ]);
});

describe('scw', () => {
  table('scaleway', [
    ['scw instance server list', 'read'],
    ['scw instance server list zone=fr-par-1 -o json', 'read'],
    ['scw instance server get 11111111-1111-1111-1111-111111111111', 'read'],
    ['scw k8s cluster list', 'read'],
    ['scw instance server start 1', 'write'],
    ['scw instance server stop 1', 'write'],
    ['scw instance server create type=DEV1-S image=ubuntu_jammy', 'write'],
    ['scw instance server terminate 1', 'destructive'],
    ['scw instance server delete 1', 'destructive'],
    ['scw k8s cluster delete 1', 'destructive'],
    ['scw rdb instance delete 1', 'destructive'],
    ['scw iam policy create name=p', 'destructive'],
    ['scw instance security-group update 1 inbound-default-policy=accept', 'destructive'],
    ['scw secret version access 1 revision=latest', 'sensitive'],
    ['scw iam api-key create application-id=1', 'sensitive'],
    ['scw iam api-key get SCWXXXXXXXXXXXXXXXXX', 'read'],
    ['scw k8s kubeconfig get 1', 'sensitive'],
    ['scw instance server ssh 1', 'rejected'],
    ['scw config dump', 'sensitive'],
    ['scw -D instance server list', 'sensitive'],
    ['scw version', 'read'],
    ['scw instance server list -h', 'read'],
    ['scw init', 'rejected'],
    ['scw unknownns thing list', 'unknown'],
  ]);
});

describe('tailscale', () => {
  // its commands are the Tailscale API verbs (lib/connectors/tailscale/commands.ts), never the CLI,
  // which would drive this machine's own tailscaled: the grammar path refuses the program
  it.each(['tailscale status', 'tailscale up --accept-routes', 'tailscale serve 3000', 'tailscale --help', 'tailscale devices list'])('%s is not classified as a CLI command', (command) => {
    const r = analyzeCommand('tailscale', command);
    expect(r.class).toBe('rejected');
    expect(r.reason).toMatch(/served from the provider's API/);
  });
});

describe('ovhcloud', () => {
  table('ovh', [
    ['ovhcloud vps list', 'read'],
    ['ovhcloud cloud instance list --cloud-project p', 'read'],
    ['ovhcloud baremetal get ns1.ip-1-2-3.eu', 'read'],
    ['ovhcloud domain-zone record list example.com', 'read'],
    ['ovhcloud api call GET /dedicated/server', 'read'],
    ['ovhcloud vps reboot v', 'write'],
    ['ovhcloud cloud instance create --cloud-project p', 'write'],
    ['ovhcloud api call POST /dedicated/server/x/reboot', 'write'],
    ['ovhcloud cloud instance delete i', 'destructive'],
    ['ovhcloud vps terminate v', 'destructive'],
    ['ovhcloud baremetal reinstall s', 'destructive'],
    ['ovhcloud api call DELETE /domain/zone/x/record/1', 'destructive'],
    ['ovhcloud iam policy create --name p', 'destructive'],
    ['ovhcloud baremetal list-secrets s', 'sensitive'],
    ['ovhcloud cloud kube kubeconfig generate c', 'sensitive'],
    ['ovhcloud vps get-console-url v', 'sensitive'],
    ['ovhcloud api call GET /me/api/credential', 'sensitive'],
    ['ovhcloud --debug vps list', 'sensitive'],
    ['ovhcloud vps list --help', 'read'],
    ['ovhcloud login', 'rejected'],
    ['ovhcloud frob list', 'unknown'],
  ]);
});

describe('policies loaded on first use', () => {
  it('refuses to classify a CLI whose policy is not loaded, and loads only the providers asked for', async () => {
    vi.resetModules();
    const fresh = await import('../../../lib/commands/classify.ts');
    expect(() => fresh.analyzeCommand('gcp', 'gcloud compute instances list')).toThrow(/policy of gcloud is not loaded/);
    await fresh.loadCommandPolicies('aws');
    expect(fresh.analyzeCommand('aws', 'aws s3 ls').class).toBe('read');
    expect(() => fresh.analyzeCommand('gcp', 'gcloud compute instances list')).toThrow(/not loaded/);
    await fresh.loadCommandPolicies('gcp');
    expect(fresh.analyzeCommand('gcp', 'gcloud compute instances delete vm-1').class).toBe('destructive');
    // a provider that runs no CLI (its verbs come from the API) loads nothing and still answers
    await fresh.loadCommandPolicies('tailscale');
    expect(fresh.analyzeCommand('tailscale', 'tailscale status').class).toBe('rejected');
  });
});
