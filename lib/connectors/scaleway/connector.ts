import { defineConnector } from '../kit/define.ts';
import { scaleway } from './definition.ts';
import { scalewaySection } from './settings.ts';

const uuid = scaleway.uuidPattern.source;

export const connector = defineConnector({
  id: 'scaleway',
  name: 'Scaleway',
  kind: 'cloud',
  authKind: 'api_key',
  settings: scalewaySection,
  clis: ['scw'],
  storesSecret: true,
  account: { label: 'Organization ID', pattern: uuid, message: 'must be a UUID (the organization id)', caseInsensitive: true },
  fields: [
    { name: 'access_key', label: 'Access key', secret: false, required: true, pattern: scaleway.accessKeyPattern.source, message: 'must be "SCW" followed by 17 to 20 upper-case letters or digits', example: 'SCWXXXXXXXXXXXXXXXXX', description: 'The access key of a Scaleway API key (IAM → API keys).' },
    { name: 'secret_key', label: 'Secret key', secret: true, required: true, pattern: uuid, message: 'must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)', example: '00000000-0000-4000-8000-000000000000', description: 'The secret key shown once when the API key was created.' },
    { name: 'organization_id', label: 'Organization ID', secret: false, required: false, pattern: uuid, message: 'must be a UUID (the organization id)', description: 'Detected from the key when left empty.' },
    { name: 'project_id', label: 'Default project ID', secret: false, required: false, pattern: uuid, message: 'must be a UUID (the project id)', description: "Default project for commands; the key's default project when left empty." },
  ],
  connect: {
    method: 'POST',
    path: '/scaleway_api/scaleway/connect',
    id: 'scaleway.connect',
    summary: 'Connect a Scaleway organisation with an API key (validated live; organisation and default project detected)',
    response: { success: { type: 'boolean', const: true }, message: 'string', organization_id: 'string', projects_count: 'integer' },
  },
  status: { fields: [], onFault: 'error', notConnected: 'Scaleway is not connected' },
  legacy: {
    status: ['/scaleway_api/scaleway/status'],
    disconnect: { method: 'POST', path: '/scaleway_api/scaleway/disconnect', id: 'scaleway.disconnect', response: { success: true, message: scaleway.messages.disconnected } },
  },
});
