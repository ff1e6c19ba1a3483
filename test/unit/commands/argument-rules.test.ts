import { describe, expect, it } from 'vitest';
import type { AnalysisClass } from '../../../lib/commands/classify.ts';
import { analyzeCommand, loadCommandPolicies } from '../../../lib/commands/classify.ts';
import { internalUrl, pathIs } from '../../../lib/commands/grammar/rules.ts';

// the CLIs' policies load on first use in the service (lib/commands/classify.ts); here, all of them
await loadCommandPolicies();

/** [command as a user types it, expected class, text the reason must contain (the flag or feature)] */
type Row = [command: string, expected: AnalysisClass, names: string];

function table(provider: string, rows: Row[]) {
  it.each(rows)(`${provider}: %s → %s (%s)`, (command, expected, names) => {
    const r = analyzeCommand(provider, command);
    expect({ command, class: r.class }).toEqual({ command, class: expected });
    expect(r.reason).toContain(names);
    // The pipeline's contract: argv is there for every command that parsed, refused ones included.
    expect(r.argv?.[0]).toBe(command.split(' ')[0]);
    if (expected === 'rejected') expect(r.rules?.length ?? 0).toBeGreaterThan(0);
  });
}

describe('aws argument rules', () => {
  describe('refuse', () => {
    table('aws', [
      ['aws ec2 describe-instances --cli-input-json file:///proc/1/environ', 'rejected', 'file:///proc/1/environ'],
      ['aws ec2 describe-instances --cli-input-yaml file://input.yaml', 'rejected', 'file://input.yaml'],
      ['aws kms decrypt --ciphertext-blob fileb:///var/lib/aurora/secrets/.key', 'rejected', 'fileb:///var/lib/aurora/secrets/.key'],
      ['aws iam put-role-policy --role-name r --policy-name n --policy-document=file://p.json', 'rejected', 'file://p.json'],
      ['aws s3 ls --endpoint-url http://127.0.0.1:8000', 'rejected', '--endpoint-url'],
      // argparse accepts any unique prefix: --e is --endpoint-url.
      ['aws s3 ls --e http://127.0.0.1:8000', 'rejected', '--e'],
      ['aws dynamodb scan --table-name aurora-connectors --endpoint-url=http://127.0.0.1:8000', 'rejected', '--endpoint-url'],
      ['aws ec2 describe-instances --profile admin', 'rejected', '--profile'],
      ['aws ec2 describe-instances --prof admin', 'rejected', '--prof'],
      ['aws s3 ls --ca-bundle /etc/ssl/evil.pem', 'rejected', '--ca-bundle'],
      ['aws s3 ls --no-verify-ssl', 'rejected', '--no-verify-ssl'],
      ['aws ec2 describe-instances --cli-auto-prompt', 'rejected', '--cli-auto-prompt'],
      // aws CLI v1 downloads http(s) parameter values itself (cli_follow_urlparam).
      ['aws ssm put-parameter --name p --type String --value http://169.254.169.254/latest/meta-data/', 'rejected', '--value'],
      ['aws ec2 run-instances --image-id ami-1 --user-data https://127.0.0.1:8000/', 'rejected', '--user-data'],
      ['aws configure set aws_secret_access_key wJalrXUtnFEMI', 'rejected', 'aws configure'],
      ['aws configure', 'rejected', 'aws configure'],
      ['aws configure import --csv file://creds.csv', 'rejected', 'file://creds.csv'],
      ['aws configure set credential_process /bin/sh', 'rejected', 'aws configure'],
      ['aws deploy install --config-file /tmp/x.yml', 'rejected', 'aws deploy install'],
      ['aws emr ssh --cluster-id j-1 --key-pair-file k.pem', 'rejected', 'aws emr ssh'],
      ['aws emr socks --cluster-id j-1 --key-pair-file k.pem', 'rejected', 'aws emr socks'],
      ['aws emr get --cluster-id j-1 --key-pair-file k.pem --src /etc/hosts', 'rejected', 'aws emr get'],
      ['aws emr put --cluster-id j-1 --key-pair-file k.pem --src /etc/passwd', 'rejected', 'aws emr put'],
      ['aws ssm start-session --target i-1', 'rejected', 'aws ssm start-session'],
      ['aws ecs execute-command --cluster c --task t --command sh --interactive', 'rejected', 'aws ecs execute-command'],
      ['aws codeartifact login --tool npm --domain d --repository r', 'rejected', 'aws codeartifact login'],
      ['aws s3 cp /etc/passwd s3://b/passwd', 'rejected', '/etc/passwd'],
      ['aws s3 cp s3://b/k ./k', 'rejected', './k'],
      ['aws s3 sync . s3://b', 'rejected', "'.'"],
      ['aws s3 mv s3://b/k /tmp/k', 'rejected', '/tmp/k'],
      ['aws s3 cp - s3://b/k', 'rejected', "'-'"],
      ['aws lambda invoke --function-name f out.json', 'rejected', 'local file'],
      ['aws s3api get-object --bucket b --key k ./bashrc', 'rejected', 'local file'],
      ['aws cloudformation deploy --template-file t.yaml --stack-name s', 'rejected', 'aws cloudformation package/deploy'],
      ['aws eks update-kubeconfig --name c --kubeconfig /etc/kubernetes/admin.conf', 'rejected', '--kubeconfig'],
      ['aws s3api put-object --bucket b --key k --body /proc/1/environ', 'rejected', '--body'],
      ['aws glacier upload-archive --vault-name v --body archive.zip', 'rejected', '--body'],
      ['aws ec2 get-password-data --instance-id i-1 --priv-launch-key ssh/key.pem', 'rejected', '--priv-launch-key'],
      ['aws ec2 get-password-data --instance-id i-1 --priv ssh/key.pem', 'rejected', '--priv'],
      ['aws iot create-keys-and-certificate --set-as-active --private-key-outfile /tmp/k', 'rejected', '--private-key-outfile'],
      ['aws iam create-virtual-mfa-device --virtual-mfa-device-name m --outfile /tmp/qr.png --bootstrap-method QRCodePNG', 'rejected', '--outfile'],
      ['aws deploy push --application-name a --s3-location s3://b/a.zip --source .', 'rejected', 'aws deploy push'],
      ['aws ecs deploy --service s --task-definition td.json --codedeploy-appspec appspec.yaml', 'rejected', '--codedeploy-appspec'],
    ]);
  });
  describe('raise', () => {
    table('aws', [
      ['aws ecs update-service --cluster c --service s --desired-count 0', 'destructive', '--desired-count 0'],
      ['aws autoscaling set-desired-capacity --auto-scaling-group-name g --desired-capacity 0', 'destructive', '--desired-capacity 0'],
      ['aws autoscaling update-auto-scaling-group --auto-scaling-group-name g --max-size 0', 'destructive', '--max-size 0'],
      ['aws eks update-nodegroup-config --cluster-name c --nodegroup-name n --scaling-config minSize=0,maxSize=1,desiredSize=0', 'destructive', 'desiredSize=0'],
      ['aws lambda put-function-concurrency --function-name f --reserved-concurrent-executions 0', 'destructive', '--reserved-concurrent-executions 0'],
      [`aws ecs update-service --cli-input-json '{"cluster":"c","service":"s","desiredCount":0}'`, 'destructive', 'desiredCount=0'],
      ['aws rds modify-db-instance --db-instance-identifier d --publicly-accessible', 'destructive', '--publicly-accessible'],
      ['aws s3api put-object-acl --bucket b --key k --acl public-read', 'destructive', '--acl public-read'],
      ['aws s3api create-bucket --bucket b --acl public-read-write', 'destructive', '--acl public-read-write'],
      ['aws s3api put-object-acl --bucket b --key k --grant-read uri=http://acs.amazonaws.com/groups/global/AllUsers', 'destructive', 'AllUsers'],
      ['aws lambda create-function-url-config --function-name f --auth-type NONE', 'destructive', '--auth-type NONE'],
      ['aws ec2 modify-security-group-rules --group-id sg-1 --security-group-rules SecurityGroupRuleId=sgr-1,SecurityGroupRule={IpProtocol=tcp,FromPort=22,ToPort=22,CidrIpv4=0.0.0.0/0}', 'destructive', '0.0.0.0/0'],
      ['aws ec2 create-route --route-table-id rtb-1 --destination-ipv6-cidr-block ::/0 --gateway-id igw-1', 'destructive', '::/0'],
      ['aws rds modify-db-instance --db-instance-identifier d --master-user-password n3w', 'destructive', '--master-user-password'],
      ['aws redshift modify-cluster --cluster-identifier c --master-user-password n3w', 'destructive', '--master-user-password'],
      ['aws elasticache modify-replication-group --replication-group-id g --auth-token n3wtoken1234567890 --auth-token-update-strategy ROTATE', 'destructive', '--auth-token'],
      ['aws secretsmanager put-secret-value --secret-id s --secret-string n3w', 'destructive', '--secret-string'],
      ['aws secretsmanager rotate-secret --secret-id s', 'destructive', 'aws secretsmanager rotate-secret'],
      ['aws cognito-idp admin-reset-user-password --user-pool-id p --username u', 'destructive', 'admin-reset-user-password'],
      ['aws ds reset-user-password --directory-id d-1 --user-name admin --new-password N3w', 'destructive', '--new-password'],
      ['aws ds reset-user-password --directory-id d-1 --user-name admin --new-password=N3w', 'destructive', '--new-password'],
      ['aws iam update-access-key --access-key-id AKIAEXAMPLE --status Inactive', 'destructive', 'aws iam update-access-key'],
      ['aws cloudtrail stop-logging --name t', 'destructive', 'aws cloudtrail stop-logging'],
      ['aws config stop-configuration-recorder --configuration-recorder-name default', 'destructive', 'stop-configuration-recorder'],
      ['aws kms disable-key --key-id k', 'destructive', 'aws kms disable-key'],
      ['aws kms disable-key-rotation --key-id k', 'destructive', 'disable-key-rotation'],
      ['aws rds modify-db-instance --db-instance-identifier d --no-deletion-protection', 'destructive', '--no-deletion-protection'],
      ['aws dynamodb update-table --table-name t --no-deletion-protection-enabled', 'destructive', '--no-deletion-protection-enabled'],
      ['aws ec2 modify-instance-attribute --instance-id i-1 --no-disable-api-termination', 'destructive', '--no-disable-api-termination'],
      ['aws elbv2 modify-load-balancer-attributes --load-balancer-arn a --attributes Key=deletion_protection.enabled,Value=false', 'destructive', 'deletion_protection.enabled'],
      ['aws elbv2 modify-load-balancer-attributes --load-balancer-arn a --attributes Key=access_logs.s3.enabled,Value=false', 'destructive', 'access_logs.s3.enabled'],
      ['aws guardduty update-detector --detector-id d --no-enable', 'destructive', '--no-enable'],
      ['aws rds modify-db-instance --db-instance-identifier d --backup-retention-period 0', 'destructive', '--backup-retention-period'],
      ['aws dynamodb update-continuous-backups --table-name t --point-in-time-recovery-specification PointInTimeRecoveryEnabled=false', 'destructive', 'PointInTimeRecoveryEnabled'],
      ['aws s3api put-bucket-versioning --bucket b --versioning-configuration Status=Suspended', 'destructive', 'Status=Suspended'],
      ['aws route53 change-resource-record-sets --hosted-zone-id Z --change-batch {"Changes":[{"Action":"DELETE","ResourceRecordSet":{"Name":"a.example.com","Type":"A"}}]}', 'destructive', 'Action DELETE'],
      ['aws route53 change-resource-record-sets --hosted-zone-id Z --change-batch Changes=[{Action=DELETE,ResourceRecordSet={Name=a.example.com,Type=A}}]', 'destructive', 'Action DELETE'],
      ['aws apigateway update-rest-api --rest-api-id a --patch-operations op=remove,path=/policy', 'destructive', 'op=remove'],
      ['aws ssm start-automation-execution --document-name AWS-TerminateEC2Instance --parameters InstanceId=i-1', 'destructive', 'AWS-TerminateEC2Instance'],
      // Only AWS's own catalogue names an action; a user's document name is just a name.
      ['aws ssm start-automation-execution --document-name stop-watch-report', 'write', 'start-automation-execution'],
      ['aws lambda get-function --function-name f', 'sensitive', 'aws lambda get-function'],
      ['aws lambda get-function-configuration --function-name f', 'sensitive', 'environment'],
      ['aws ssm describe-parameters --with-decryption', 'sensitive', '--with-decryption'],
      ['aws ec2 describe-instance-attribute --instance-id i-1 --attribute userData', 'sensitive', 'userData'],
      ['aws rds modify-db-instance --db-instance-identifier d --no-enable-iam-database-authentication', 'destructive', '--no-enable-iam-database-authentication'],
      ['aws ec2 get-rdp-password --instance-id i-1', 'sensitive', 'returns secrets'],
    ]);
  });
  describe('keep', () => {
    table('aws', [
      ['aws s3 cp s3://a/k s3://b/k', 'write', ''],
      ['aws s3 cp s3://b/k -', 'write', ''],
      ['aws s3 cp s3://a/ s3://b/ --recursive --exclude * --include *.log', 'write', ''],
      ['aws lambda invoke --function-name f --payload {} /dev/stdout', 'write', ''],
      ['aws sqs send-message --queue-url https://sqs.eu-west-1.amazonaws.com/1/q --message-body hi', 'write', ''],
      ['aws cloudformation create-stack --stack-name s --template-url https://s3.amazonaws.com/b/t.yaml', 'write', ''],
      ['aws ecs update-service --cluster c --service s --desired-count 10', 'write', ''],
      ['aws rds modify-db-instance --db-instance-identifier d --no-publicly-accessible', 'write', ''],
      ['aws ec2 describe-security-groups --filters Name=ip-permission.cidr,Values=0.0.0.0/0', 'read', ''],
      ['aws s3api put-bucket-versioning --bucket b --versioning-configuration Status=Enabled', 'write', ''],
      ['aws secretsmanager create-secret --name s --secret-string first', 'write', ''],
      ['aws s3 ls s3://public-read-bucket/delete-list-prod/', 'read', ''],
      // --key is an option of its own here, not an abbreviation of --key-pair-file.
      ['aws s3api head-object --bucket b --key k', 'read', ''],
    ]);
  });
  describe('lower', () => {
    table('aws', [
      ['aws ec2 terminate-instances --instance-ids i-1 --dry-run', 'read', '--dry-run'],
      ['aws ec2 run-instances --image-id ami-1 --dry-run', 'read', '--dry-run'],
      ['aws s3 rm s3://b/k --dryrun', 'read', '--dryrun'],
      ['aws s3 sync s3://a s3://b --delete --dryrun', 'read', '--dryrun'],
      // The last spelling wins, as in the CLI.
      ['aws ec2 terminate-instances --instance-ids i-1 --dry-run --no-dry-run', 'destructive', 'terminate-instances'],
      // Only where the CLI has such a dry run, and never for secrets or refusals.
      ['aws rds delete-db-instance --db-instance-identifier d --dry-run', 'destructive', 'delete-db-instance'],
      ['aws secretsmanager get-secret-value --secret-id s --dry-run', 'sensitive', 'get-secret-value'],
      ['aws ec2 describe-instances --dry-run --endpoint-url http://127.0.0.1:8000', 'rejected', '--endpoint-url'],
      ['aws s3 cp /etc/passwd s3://b/x --dryrun', 'rejected', '/etc/passwd'],
    ]);
  });
});

describe('gcloud argument rules', () => {
  describe('refuse', () => {
    table('gcp', [
      ['gcloud ai-platform local train --module-name=timeit --package-path=/tmp -- -n 1', 'rejected', 'gcloud ai-platform local train'],
      ['gcloud ml-engine local train --module-name=trainer.task --package-path=trainer', 'rejected', 'gcloud ml-engine local train'],
      ['gcloud ai custom-jobs local-run --executor-image-uri=i --script=s.py', 'rejected', 'gcloud ai custom-jobs local-run'],
      ['gcloud compute ssh vm --command id', 'rejected', 'gcloud compute ssh'],
      ['gcloud compute scp vm:/etc/passwd .', 'rejected', 'gcloud compute scp'],
      ['gcloud compute start-iap-tunnel vm 22 --local-host-port=localhost:2222', 'rejected', 'gcloud compute start-iap-tunnel'],
      ['gcloud compute connect-to-serial-port vm', 'rejected', 'gcloud compute connect-to-serial-port'],
      ['gcloud sql connect prod-db --user=postgres', 'rejected', 'gcloud sql connect'],
      ['gcloud source repos clone r', 'rejected', 'gcloud source repos clone'],
      ['gcloud emulators firestore start', 'rejected', 'gcloud emulators firestore start'],
      ['gcloud init', 'rejected', 'gcloud init'],
      ['gcloud components install kubectl', 'rejected', 'gcloud components install'],
      ['gcloud compute instances create vm --metadata-from-file startup-script=/etc/shadow', 'rejected', '--metadata-from-file'],
      ['gcloud secrets versions add s --data-file=/proc/self/environ', 'rejected', '--data-file'],
      ['gcloud secrets create s --data-file=-', 'rejected', '--data-file'],
      ['gcloud kms encrypt --key k --keyring r --location global --plaintext-file /etc/passwd --ciphertext-file -', 'rejected', '--plaintext-file'],
      ['gcloud iam service-accounts keys create key.json --iam-account sa@p.iam.gserviceaccount.com', 'rejected', 'key.json'],
      ['gcloud projects set-iam-policy p policy.json', 'rejected', 'policy.json'],
      ['gcloud storage cp ./backup.tar gs://b/', 'rejected', './backup.tar'],
      ['gcloud storage cp gs://b/o /tmp/o', 'rejected', '/tmp/o'],
      ['gcloud storage rsync ./site gs://b --recursive', 'rejected', './site'],
      ['gcloud compute url-maps import m --source=map.yaml', 'rejected', '--source'],
      ['gcloud functions deploy fn --runtime python312 --trigger-http', 'rejected', '--source'],
      ['gcloud functions deploy fn --source . --runtime python312 --trigger-http', 'rejected', '--source'],
      ['gcloud run deploy svc --region r', 'rejected', '--image'],
      ['gcloud run deploy svc --source . --region r', 'rejected', '--source'],
      ['gcloud app deploy app.yaml', 'rejected', 'gcloud app deploy'],
      ['gcloud builds submit --tag gcr.io/p/i', 'rejected', 'gcloud builds submit'],
      ['gcloud builds submit gs://b/src.tgz --config cloudbuild.yaml', 'rejected', '--config'],
      ['gcloud deployment-manager deployments create d --config d.yaml', 'rejected', '--config'],
      ['gcloud dataproc jobs submit pyspark job.py --cluster c --region r', 'rejected', 'job.py'],
      ['gcloud dataproc jobs submit spark --cluster c --region r --class Main --jars gs://b/a.jar,lib.jar', 'rejected', 'lib.jar'],
      ['gcloud config set project p', 'rejected', 'gcloud config'],
      ['gcloud config set api_endpoint_overrides/compute http://127.0.0.1:9/', 'rejected', 'gcloud config'],
      ['gcloud config configurations activate other', 'rejected', 'gcloud config'],
      ['gcloud compute instances list --configuration=other', 'rejected', '--configuration'],
      ['gcloud compute instances list --flags-file=f.yaml', 'rejected', '--flags-file'],
      ['gcloud projects list --impersonate-service-account=admin@p.iam.gserviceaccount.com', 'rejected', '--impersonate-service-account'],
      ['gcloud compute instances list --access-token-file=/etc/token', 'rejected', '--access-token-file'],
      ['gcloud compute instances list --credential-file-override=config/key.json', 'rejected', '--credential-file'],
      ['gcloud compute instances list --api-endpoint=http://127.0.0.1:9/', 'rejected', '--api-endpoint'],
      ['gcloud run deploy svc --image gcr.io/p/i --env-vars-file=.env.yaml', 'rejected', '--env-vars-file'],
      ['gcloud auth login --cred-file=config/key.json', 'rejected', 'gcloud auth login'],
      ['gcloud auth activate-service-account --key-file=config/key.json', 'rejected', '--key-file'],
      ['gcloud auth activate-service-account sa@p.iam.gserviceaccount.com', 'rejected', 'gcloud auth activate-service-account'],
      ['gcloud auth configure-docker', 'rejected', 'gcloud auth configure-docker'],
      ['gcloud sql users create u --instance i --prompt-for-password', 'rejected', '--prompt-for-password'],
      ['gcloud artifacts print-settings npm --json-key=config/key.json', 'rejected', '--json-key'],
      ['gcloud compute ssl-certificates create c --certificate=/etc/ssl/c.pem --private-key=/etc/ssl/k.pem', 'rejected', '--certificate'],
    ]);
  });
  describe('raise', () => {
    table('gcp', [
      ['gcloud container clusters resize c --num-nodes 0 --zone z', 'destructive', '--num-nodes'],
      ['gcloud container clusters resize c --node-pool p --num-nodes=0', 'destructive', '--num-nodes'],
      ['gcloud compute instance-groups managed resize g --size=0 --zone z', 'destructive', '--size'],
      ['gcloud run services update svc --max-instances 0', 'destructive', '--max-instances'],
      ['gcloud sql instances patch db --activation-policy NEVER', 'destructive', '--activation-policy'],
      ['gcloud run deploy svc --image gcr.io/p/i --allow-unauthenticated', 'destructive', '--allow-unauthenticated'],
      ['gcloud run services update svc --ingress=all', 'destructive', '--ingress'],
      ['gcloud functions deploy fn --source=gs://b/s.zip --runtime python312 --trigger-http --ingress-settings=all', 'destructive', '--ingress-settings'],
      ['gcloud sql instances patch db --authorized-networks=0.0.0.0/0', 'destructive', '0.0.0.0/0'],
      ['gcloud container clusters update c --enable-master-authorized-networks --master-authorized-networks=10.0.0.0/8,0.0.0.0/0', 'destructive', '0.0.0.0/0'],
      ['gcloud sql instances patch db --assign-ip', 'destructive', '--assign-ip'],
      ['gcloud storage buckets update gs://b --no-public-access-prevention', 'destructive', '--no-public-access-prevention'],
      ['gcloud storage objects update gs://b/o --predefined-acl=publicRead', 'destructive', '--predefined-acl'],
      ['gcloud run services add-iam-policy-binding svc --member=allUsers --role=roles/run.invoker', 'destructive', 'allUsers'],
      ['gcloud storage buckets add-iam-policy-binding gs://b --member=allAuthenticatedUsers --role=roles/storage.objectViewer', 'destructive', 'allAuthenticatedUsers'],
      ['gcloud alloydb clusters update c --region r --password n3w', 'destructive', '--password'],
      ['gcloud services disable compute.googleapis.com', 'destructive', 'gcloud services disable'],
      ['gcloud compute instances detach-disk vm --disk d', 'destructive', 'gcloud compute instances detach-disk'],
      ['gcloud compute instances update vm --no-deletion-protection', 'destructive', '--no-deletion-protection'],
      ['gcloud sql instances patch db --no-backup', 'destructive', '--no-backup'],
      ['gcloud sql instances patch db --no-enable-point-in-time-recovery', 'destructive', '--no-enable-point-in-time-recovery'],
      ['gcloud storage buckets update gs://b --no-versioning', 'destructive', '--no-versioning'],
      ['gcloud storage buckets update gs://b --clear-soft-delete', 'destructive', '--clear-soft-delete'],
      ['gcloud logging sinks update s --disabled', 'destructive', '--disabled'],
      ['gcloud container clusters update c --no-enable-master-authorized-networks', 'destructive', '--no-enable-master-authorized-networks'],
      ['gcloud pubsub subscriptions pull s --auto-ack', 'destructive', '--auto-ack'],
      ['gcloud pubsub subscriptions seek s --time=2030-01-01T00:00:00Z', 'destructive', 'seeking'],
      ['gcloud functions describe fn --region r', 'sensitive', 'environment'],
      ['gcloud run services describe svc --region r', 'sensitive', 'environment'],
    ]);
  });
  describe('keep', () => {
    table('gcp', [
      ['gcloud storage cp gs://a/o gs://b/o', 'write', ''],
      ['gcloud storage cp gs://b/o -', 'write', ''],
      ['gcloud storage ls gs://b/*', 'read', ''],
      ['gcloud iam service-accounts keys create - --iam-account sa@p.iam.gserviceaccount.com', 'sensitive', ''],
      ['gcloud kms decrypt --key k --keyring r --location global --ciphertext-file gs://b/c --plaintext-file -', 'sensitive', ''],
      ['gcloud builds submit gs://b/src.tgz --tag gcr.io/p/i', 'write', ''],
      ['gcloud builds submit --no-source --config=gs://b/cloudbuild.yaml', 'write', ''],
      ['gcloud functions deploy fn --source=gs://b/s.zip --runtime python312 --trigger-http', 'write', ''],
      ['gcloud container clusters resize c --num-nodes 3', 'write', ''],
      ['gcloud run services update svc --min-instances 0', 'write', ''],
      ['gcloud projects describe delete-list-prod', 'read', ''],
      ['gcloud compute ssh --help', 'read', ''],
      ['gcloud config list', 'read', ''],
    ]);
  });
  describe('lower', () => {
    table('gcp', [
      ['gcloud storage rsync gs://a gs://b --recursive --delete-unmatched-destination-objects --dry-run', 'read', '--dry-run'],
      ['gcloud run services replace service.yaml --dry-run', 'rejected', 'gcloud run services replace'],
      ['gcloud container aws clusters delete c --location us-west1 --validate-only', 'read', '--validate-only'],
      ['gcloud secrets versions access latest --secret s --validate-only', 'sensitive', 'secrets versions access'],
      ['gcloud compute ssh vm --dry-run', 'rejected', 'gcloud compute ssh'],
      // A dry-run flag where gcloud still changes something does not lower.
      ['gcloud artifacts repositories set-cleanup-policies r --location l --policy=gs://b/p.json --dry-run', 'write', 'set-cleanup-policies'],
    ]);
  });
});

describe('kubectl argument rules', () => {
  describe('refuse', () => {
    table('gcp', [
      ['kubectl kustomize /tmp/k --enable-helm --helm-command=/usr/bin/id', 'rejected', '--enable-helm'],
      ['kubectl kustomize ./overlay', 'rejected', 'kubectl kustomize'],
      ['kubectl kustomize . --helm-command=/bin/sh', 'rejected', '--helm-command'],
      ['kubectl patch -f deploy.yaml -p {"spec":{"paused":true}}', 'rejected', 'deploy.yaml'],
      ['kubectl delete pods --all --interactive', 'rejected', '--interactive'],
      ['kubectl apply -k overlays/prod', 'rejected', '-k'],
      ['kubectl apply -f manifest.yaml', 'rejected', 'manifest.yaml'],
      ['kubectl create -f /etc/kubernetes/manifests/pod.yaml', 'rejected', '/etc/kubernetes/manifests/pod.yaml'],
      ['kubectl replace --filename=x.yaml', 'rejected', 'x.yaml'],
      ['kubectl diff -f x.yaml', 'rejected', 'x.yaml'],
      ['kubectl patch deploy web --patch-file p.yaml', 'rejected', '--patch-file'],
      ['kubectl apply -f -', 'rejected', "'-'"],
      ['kubectl apply -Rf dir', 'rejected', 'dir'],
      ['kubectl apply -f http://127.0.0.1:8000/x', 'rejected', 'http://127.0.0.1:8000/x'],
      ['kubectl apply -f https://169.254.169.254/latest/', 'rejected', '169.254.169.254'],
      ['kubectl create secret generic s --from-file=/etc/passwd', 'rejected', '--from-file'],
      ['kubectl create configmap c --from-env-file=.env', 'rejected', '--from-env-file'],
      ['kubectl create secret tls t --cert=/etc/ssl/c.pem --key=/etc/ssl/k.pem', 'rejected', '--cert'],
      ['kubectl exec -it pod -- sh', 'rejected', 'kubectl exec'],
      ['kubectl attach pod', 'rejected', 'kubectl attach'],
      ['kubectl port-forward svc/db 5432:5432', 'rejected', 'kubectl port-forward'],
      ['kubectl proxy --port=8001', 'rejected', 'kubectl proxy'],
      ['kubectl debug node/n -it --image=busybox', 'rejected', 'kubectl debug'],
      ['kubectl cp pod:/etc/passwd ./passwd', 'rejected', 'kubectl cp'],
      ['kubectl edit deploy web', 'rejected', 'kubectl edit'],
      ['kubectl plugin list', 'rejected', 'plugins'],
      ['kubectl krew install ctx', 'rejected', 'krew'],
      ['kubectl ctx prod', 'rejected', 'kubectl-ctx'],
      ['kubectl run x --image=busybox -it --rm', 'rejected', '-i'],
      ['kubectl run x --image=busybox --stdin', 'rejected', '--stdin'],
      ['kubectl delete pods --all -i', 'rejected', '-i'],
      ['kubectl get pods --kubeconfig kube/config', 'rejected', '--kubeconfig'],
      ['kubectl get pods --server https://10.0.0.1:6443', 'rejected', '--server'],
      ['kubectl get pods -s https://10.0.0.1:6443', 'rejected', '-s'],
      ['kubectl get pods --token eyJhbGciOi.x.y', 'rejected', '--token'],
      ['kubectl get pods --as system:admin', 'rejected', '--as'],
      ['kubectl get pods --insecure-skip-tls-verify', 'rejected', '--insecure-skip-tls-verify'],
      ['kubectl config set-credentials u --exec-command=/bin/sh', 'rejected', '--exec-command'],
      ['kubectl config set-cluster c --server=https://evil.example', 'rejected', '--server'],
      ['kubectl config set-context prod --namespace=x', 'rejected', 'kubectl config'],
      ['kubectl config use-context other', 'rejected', 'kubectl config'],
      ['kubectl cluster-info dump --output-directory=/tmp/dump', 'rejected', '--output-directory'],
      ['kubectl get pods --profile=cpu', 'rejected', '--profile'],
    ]);
  });
  describe('raise', () => {
    table('gcp', [
      ['kubectl scale deployment/api --replicas=0', 'destructive', '--replicas'],
      ['kubectl scale statefulset db --replicas 0', 'destructive', '--replicas'],
      ['kubectl patch deploy web -p {"spec":{"replicas":0}}', 'destructive', 'replicas=0'],
      ['kubectl expose deployment api --type=LoadBalancer --port 80', 'destructive', 'LoadBalancer'],
      ['kubectl create service nodeport web --tcp=80:8080', 'destructive', 'nodeport'],
      ['kubectl taint nodes n1 dedicated=x:NoExecute', 'destructive', 'NoExecute'],
      ['kubectl config view --flatten', 'sensitive', '--flatten'],
      ['kubectl config view --raw', 'sensitive', '--raw'],
    ]);
  });
  describe('keep', () => {
    table('gcp', [
      ['kubectl apply -f https://raw.githubusercontent.com/acme/deploy/main/api.yaml', 'write', ''],
      ['kubectl logs -f web', 'read', ''],
      ['kubectl get pods -lfoo=bar', 'read', ''],
      ['kubectl get pods --context prod', 'read', ''],
      ['kubectl scale deployment/api --replicas=3', 'write', ''],
      ['kubectl run x --image=busybox --restart=Never --attach=false', 'write', ''],
      ['kubectl taint nodes n1 dedicated=x:NoExecute-', 'write', ''],
      ['kubectl create secret generic s --from-literal=password=x', 'write', ''],
      ['kubectl config view --minify', 'read', ''],
    ]);
  });
  describe('lower', () => {
    table('gcp', [
      ['kubectl delete deployment api --dry-run=server', 'read', '--dry-run'],
      ['kubectl delete deployment api --dry-run=client', 'read', '--dry-run'],
      ['kubectl drain node-1 --ignore-daemonsets --dry-run', 'read', '--dry-run'],
      ['kubectl scale deployment/api --replicas=0 --dry-run=server', 'read', '--dry-run'],
      ['kubectl delete deployment api --dry-run=none', 'destructive', 'kubectl delete'],
      ['kubectl delete deployment api --dry-run=server --dry-run=none', 'destructive', 'kubectl delete'],
      // After a selector flag, --dry-run=server is the selector's value, not a flag.
      ['kubectl delete pods -l --dry-run=server', 'destructive', 'kubectl delete'],
      ['kubectl config view --raw --dry-run=client', 'sensitive', '--raw'],
      ['kubectl apply -f manifest.yaml --dry-run=server', 'rejected', 'manifest.yaml'],
      ['kubectl exec pod --dry-run=client -- rm -rf /', 'rejected', 'kubectl exec'],
    ]);
  });
});

describe('gsutil argument rules', () => {
  table('gcp', [
    ['gsutil cp -r /var/lib/aurora gs://b/', 'rejected', '/var/lib/aurora'],
    ['gsutil cp gs://b/o ./o', 'rejected', './o'],
    ['gsutil rsync -r ./site gs://b', 'rejected', './site'],
    ['gsutil cp -I gs://b/', 'rejected', '-I'],
    ['gsutil cp -L log.txt gs://a/o gs://b/o', 'rejected', '-L'],
    ['gsutil iam set policy.json gs://b', 'rejected', 'policy.json'],
    ['gsutil lifecycle set lc.json gs://b', 'rejected', 'lc.json'],
    ['gsutil signurl key.json gs://b/o', 'rejected', 'key.json'],
    ['gsutil -o Credentials:gs_json_host=127.0.0.1 ls', 'rejected', 'Credentials:gs_json_host'],
    ['gsutil -o Boto:proxy=127.0.0.1 ls', 'rejected', 'Boto:proxy'],
    ['gsutil config', 'rejected', 'gsutil config'],
    ['gsutil -i admin@p.iam.gserviceaccount.com ls', 'rejected', '-i'],
    ['gsutil cp -a public-read gs://a/o gs://b/o', 'destructive', '-a public-read'],
    ['gsutil versioning set off gs://b', 'destructive', 'versioning set off'],
    ['gsutil iam ch allUsers:objectViewer gs://b', 'destructive', 'allUsers'],
    ['gsutil ls gs://b/*', 'read', ''],
    ['gsutil ls -l gs://b/**/x?.log', 'read', ''],
    ['gsutil cp gs://b/o -', 'write', ''],
    ['gsutil signurl -u gs://b/o', 'sensitive', ''],
    ['gsutil acl set public-read gs://b/o', 'destructive', ''],
    ['gsutil versioning set on gs://b', 'write', ''],
    ['gsutil rsync -n -d -r gs://a gs://b', 'read', '-n'],
    ['gsutil rsync -d -r gs://a gs://b', 'destructive', 'rsync -d'],
    // In a short cluster the letters may mean something else: no lowering.
    ['gsutil rsync -rdn gs://a gs://b', 'destructive', 'rsync -d'],
  ]);
});

describe('bq argument rules', () => {
  table('gcp', [
    ['bq --flagfile=/etc/passwd ls', 'rejected', '--flagfile'],
    ['bq query --flagfile=/etc/passwd "SELECT 1"', 'rejected', '--flagfile'],
    ['bq --bigqueryrc=config/bigqueryrc ls', 'rejected', '--bigqueryrc'],
    ['bq --credential_file=config/creds ls', 'rejected', '--credential_file'],
    ['bq --api https://127.0.0.1:8000 ls', 'rejected', '--api'],
    ['bq --apilog=/tmp/api.log ls', 'rejected', '--apilog'],
    ['bq shell', 'rejected', 'bq shell'],
    ['bq load ds.t ./data.csv', 'rejected', './data.csv'],
    ['bq load --schema=./schema.json ds.t gs://b/f.csv', 'rejected', '--schema'],
    ['bq insert ds.t rows.json', 'rejected', 'rows.json'],
    ['bq update --default_table_expiration 3600 ds', 'destructive', '--default_table_expiration'],
    ['bq add-iam-policy-binding --member=allUsers --role=roles/bigquery.dataViewer ds.t', 'destructive', 'allUsers'],
    ['bq load --schema=name:STRING,age:INTEGER ds.t gs://b/f.csv', 'write', ''],
    ['bq --apilog=stdout ls', 'sensitive', 'API logging'],
    ['bq query --dry_run "DELETE FROM ds.t WHERE true"', 'read', '--dry_run'],
    ['bq query -dry_run "DROP TABLE ds.t"', 'read', 'dry_run'],
    ['bq query --dry_run=false "DELETE FROM ds.t WHERE true"', 'destructive', 'SQL deletes'],
    ['bq query --dry_run --nodry_run "DELETE FROM ds.t WHERE true"', 'destructive', 'SQL deletes'],
  ]);
});

describe('az argument rules', () => {
  table('azure', [
    ['az vm run-command invoke -g rg -n vm --command-id RunShellScript --scripts @/etc/passwd', 'rejected', '@/etc/passwd'],
    ['az deployment group create -g rg --template-file /tmp/main.bicep', 'rejected', '--template-file'],
    ['az deployment group create -g rg --template-uri https://example.com/t.json --parameters params.json', 'rejected', '--parameters'],
    ['az role definition create --role-definition r.json', 'rejected', '--role-definition'],
    ['az keyvault secret set --vault-name v -n s --file /etc/passwd', 'rejected', '--file'],
    ['az keyvault secret download --vault-name v -n s -f out', 'rejected', '-f'],
    ['az storage blob download -c c --account-name a -n x -f ./x', 'rejected', '-f'],
    ['az redis list-keys -g rg -n cache', 'sensitive', 'list-keys'],
    ['az storage blob upload -c c --account-name a -f /etc/passwd -n x', 'rejected', '-f'],
    ['az storage blob sync -c c --account-name a -s .', 'rejected', '-s'],
    ['az vm create -g rg -n vm --image Ubuntu2204 --ssh-key-values ./id_rsa.pub', 'rejected', '--ssh-key-values'],
    ['az vm create -g rg -n vm --image Ubuntu2204 --generate-ssh-keys', 'rejected', '--generate-ssh-keys'],
    ['az webapp up -n app', 'rejected', 'az webapp up'],
    ['az acr login -n r', 'rejected', 'az acr login'],
    ['az ssh vm -g rg -n vm', 'rejected', 'az ssh vm'],
    ['az network bastion tunnel -g rg -n b --target-resource-id x --resource-port 22 --port 2222', 'rejected', 'az network bastion tunnel'],
    ['az aks install-cli', 'rejected', 'az aks install-cli'],
    ['az extension add -n ssh', 'rejected', 'az extension add'],
    ['az interactive', 'rejected', 'az interactive'],
    ['az login --use-device-code', 'rejected', 'az login'],
    ['az config set core.output=table', 'rejected', 'az config set'],
    ['az cloud register -n evil --endpoint-resource-manager http://127.0.0.1:9/', 'rejected', 'az cloud register'],
    ['az cloud set -n AzureChinaCloud', 'rejected', 'az cloud set'],
    ['az rest --url http://127.0.0.1:8000/', 'rejected', 'http://127.0.0.1:8000/'],
    ['az aks scale -g rg -n c --node-count 0', 'destructive', '--node-count'],
    ['az vmss scale -g rg -n s --new-capacity 0', 'destructive', '--new-capacity'],
    ['az containerapp update -g rg -n app --max-replicas 0', 'destructive', '--max-replicas'],
    ['az network nsg rule create -g rg --nsg-name n -n r --priority 100 --source-address-prefixes *', 'destructive', '--source-address-prefixes'],
    ['az postgres flexible-server firewall-rule create -g rg -n pg -r all --start-ip-address 0.0.0.0 --end-ip-address 255.255.255.255', 'destructive', '--start-ip-address'],
    ['az webapp update -g rg -n app --https-only false', 'destructive', '--https-only'],
    ['az aks update -g rg -n c --disable-azure-policy', 'destructive', '--disable-azure-policy'],
    ['az network application-gateway ssl-cert create -g rg --gateway-name g -n c --cert-file ./c.pfx', 'rejected', '--cert-file'],
    ['az webapp config ssl upload -g rg -n app --certificate-file c.pfx --certificate-password x', 'rejected', '--certificate-file'],
    ['az sql server update -g rg -n s --admin-password n3w', 'destructive', '--admin-password'],
    ['az vm disk detach -g rg --vm-name vm -n d', 'destructive', 'az vm disk detach'],
    ['az storage account blob-service-properties update --account-name a --enable-delete-retention false', 'destructive', '--enable-delete-retention'],
    ['az storage account blob-service-properties update --account-name a --enable-versioning false', 'destructive', '--enable-versioning'],
    ['az resource invoke-action --action powerOff --ids /subscriptions/s/x', 'destructive', 'powerOff'],
    ['az rest --method post --url https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/powerOff?api-version=2023-03-01', 'destructive', 'az rest post'],
    ['az rest -m PATCH --url /subscriptions/s/resourceGroups/rg?api-version=2021-04-01 --body {"tags":{}}', 'destructive', 'az rest PATCH'],
    ['az rest --method post --url https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/listKeys?api-version=2023-01-01', 'sensitive', 'listKeys'],
    ['az rest --method get --url https://management.azure.com/subscriptions/s/resourceGroups?api-version=2021-04-01', 'read', ''],
    ['az rest --method get --url https://management.azure.com/subscriptions/s/resourceGroups/listkeys-rg/resources?api-version=2021-04-01', 'read', ''],
    ['az rest --url https://management.azure.com/subscriptions?api-version=2022-12-01', 'read', ''],
    ['az aks get-credentials -g rg -n c --file -', 'sensitive', ''],
    ['az acr login -n r --expose-token', 'sensitive', ''],
    ['az aks scale -g rg -n c --node-count 3', 'write', ''],
    ['az storage blob delete-batch -s logs --account-name a --pattern *.tmp --dryrun', 'read', '--dryrun'],
    ['az storage blob delete-batch -s logs --account-name a --pattern *.tmp', 'destructive', 'delete-batch'],
    ['az group show -n allow-unauthenticated-rg', 'read', ''],
  ]);
});

describe('scw argument rules', () => {
  table('scaleway', [
    ['scw instance server create type=DEV1-S image=ubuntu_jammy cloud-init=@/etc/passwd', 'rejected', 'cloud-init=@/etc/passwd'],
    ['scw config set secret-key=0b6c6a0e-4d5e-4f1a-9c3b-7e2d8f9a1b2c', 'rejected', 'scw config set'],
    ['scw -c config/scw/config.yaml instance server list', 'rejected', '-c'],
    ['scw -p other instance server list', 'rejected', '-p'],
    ['scw init', 'rejected', 'scw init'],
    ['scw instance server ssh 11111111-1111-4111-8111-111111111111', 'rejected', 'scw instance server ssh'],
    ['scw rdb instance connect 11111111-1111-4111-8111-111111111111 username=u', 'rejected', 'scw rdb instance connect'],
    ['scw registry login', 'rejected', 'scw registry login'],
    ['scw k8s kubeconfig install 11111111-1111-4111-8111-111111111111', 'rejected', 'scw k8s kubeconfig install'],
    ['scw instance server action 11111111-1111-4111-8111-111111111111 action=terminate', 'destructive', 'terminate'],
    ['scw instance server action 11111111-1111-4111-8111-111111111111 action=poweroff', 'destructive', 'poweroff'],
    ['scw k8s pool update 11111111-1111-4111-8111-111111111111 size=0', 'destructive', 'size=0'],
    ['scw container container update 11111111-1111-4111-8111-111111111111 max-scale=0', 'destructive', 'max-scale=0'],
    ['scw container container update 11111111-1111-4111-8111-111111111111 privacy=public', 'destructive', 'privacy=public'],
    ['scw registry namespace update 11111111-1111-4111-8111-111111111111 is-public=true', 'destructive', 'is-public=true'],
    ['scw instance server update 11111111-1111-4111-8111-111111111111 protected=false', 'destructive', 'protected=false'],
    ['scw rdb instance update 11111111-1111-4111-8111-111111111111 backup-schedule-disabled=true', 'destructive', 'backup-schedule-disabled=true'],
    ['scw secret version create 11111111-1111-4111-8111-111111111111 data=n3w', 'destructive', 'scw secret version create'],
    ['scw mnq sqs credentials get 11111111-1111-4111-8111-111111111111', 'sensitive', 'credentials'],
    ['scw config get secret-key', 'sensitive', 'secret key'],
    ['scw instance server action 11111111-1111-4111-8111-111111111111 action=reboot', 'write', ''],
    ['scw k8s pool update 11111111-1111-4111-8111-111111111111 size=3', 'write', ''],
    ['scw iam api-key get SCWXXXXXXXXXXXXXXXXX', 'read', ''],
  ]);
});

describe('ovhcloud argument rules', () => {
  table('ovh', [
    ['ovhcloud config set-endpoint ovh-eu', 'rejected', 'ovhcloud config set-endpoint'],
    ['ovhcloud login', 'rejected', 'ovhcloud login'],
    ['ovhcloud cloud instance create --from-file /etc/passwd', 'rejected', '--from-file'],
    ['ovhcloud vps list --profile other', 'rejected', '--profile'],
    ['ovhcloud cloud instance create -i', 'rejected', '-i'],
    ['ovhcloud api call GET http://127.0.0.1:8000/', 'rejected', 'http://127.0.0.1:8000/'],
    ['ovhcloud api call POST /vps/v1/terminate', 'destructive', '/vps/v1/terminate'],
    ['ovhcloud cloud kube nodepool edit c p --desired-nodes 0', 'destructive', '--desired-nodes'],
    ['ovhcloud api call POST /dedicated/server/x/reboot', 'write', ''],
    // The action is the last path segment; a server named terminate-… is only a name.
    ['ovhcloud api call POST /vps/terminate-me.vps.ovh.net/reboot', 'write', ''],
    ['ovhcloud vps list -o interactive', 'rejected', '-o'],
    ['ovhcloud logout', 'rejected', 'ovhcloud logout'],
    ['ovhcloud iam user create --editor', 'rejected', '--editor'],
    ['ovhcloud iam user create --init-file params.yaml', 'rejected', '--init-file'],
    ['ovhcloud api call DELETE /domain/zone/x/record/1 --dry-run', 'read', '--dry-run'],
    ['ovhcloud api call PUT /dedicated/server/x --from-file body.json --dry-run', 'rejected', '--from-file'],
  ]);
});

describe('rule machinery', () => {
  it('matches command-path patterns word by word', () => {
    expect(pathIs('compute ssh', ['compute', 'ssh'])).toBe(true);
    expect(pathIs('compute ssh', ['compute', 'ssh', 'x'])).toBe(false);
    expect(pathIs('** local **', ['ai-platform', 'local', 'train'])).toBe(true);
    expect(pathIs('** local **', ['compute', 'instances', 'list'])).toBe(false);
    expect(pathIs('* disable-*', ['kms', 'disable-key'])).toBe(true);
    expect(pathIs('* disable-*', ['kms', 'enable-key'])).toBe(false);
    expect(pathIs('** set-iam-policy', ['set-iam-policy'])).toBe(true);
  });

  it.each([
    ['http://127.0.0.1:8000/', true], ['http://localhost/', true], ['http://[::1]/', true], ['http://0x7f000001/', true],
    ['http://2130706433/', true], ['http://169.254.169.254/latest', true], ['http://metadata.google.internal/', true],
    ['https://10.1.2.3/', true], ['https://172.20.0.1/', true], ['https://192.168.1.1/', true], ['http://[fd00::1]/', true],
    ['http://[::ffff:127.0.0.1]/', true], ['https://raw.githubusercontent.com/x', false], ['https://172.32.0.1/', false],
    ['gs://b/o', false],
  ])('internalUrl(%s) is %s', (url, internal) => {
    expect(internalUrl(url)).toBe(internal);
  });

  it('resource names and project ids never change the class', () => {
    for (const [provider, command, cls] of [
      ['gcp', 'gcloud projects describe delete-list-prod', 'read'],
      ['gcp', 'gcloud compute instances describe allow-unauthenticated --zone z', 'read'],
      ['aws', 'aws s3 ls s3://file-bucket/', 'read'],
      ['aws', 'aws ec2 describe-instances --instance-ids i-0dryrun', 'read'],
      ['azure', 'az vm show -g replicas-0 -n public-read', 'read'],
      ['gcp', 'kubectl get pods -n kube-exec', 'read'],
      ['scaleway', 'scw instance server get 11111111-1111-4111-8111-111111111111', 'read'],
    ] as const) {
      expect(analyzeCommand(provider, command).class, command).toBe(cls);
    }
  });
});
