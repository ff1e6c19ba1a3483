import { defineConnector } from '../kit/define.ts';
import { azure } from './definition.ts';
import { azureSection } from './settings.ts';

const guid = azure.guidPattern.source;

export const connector = defineConnector({
  id: 'azure',
  name: 'Microsoft Azure',
  kind: 'cloud',
  authKind: 'service_principal',
  settings: azureSection,
  clis: ['az', 'kubectl'],
  storesSecret: true,
  account: { label: 'Subscription ID', pattern: guid, message: 'must be a GUID (the subscription id)', queryAliases: ['subscription_id'], caseInsensitive: true },
  fields: [
    { name: 'tenant_id', label: 'Directory (tenant) ID', secret: false, required: true, pattern: azure.tenantPattern.source, message: azure.messages.invalidTenant, example: '00000000-0000-4000-8000-000000000000', description: 'The Entra ID tenant of the service principal.' },
    { name: 'client_id', label: 'Application (client) ID', secret: false, required: true, pattern: guid, message: 'must be a GUID (the application (client) id)', example: '00000000-0000-4000-8000-000000000000', description: 'The app registration of the service principal.' },
    { name: 'client_secret', label: 'Client secret', secret: true, required: true, maxLength: 1024, description: 'A client secret of the app registration (Certificates & secrets).' },
    { name: 'subscription_id', label: 'Subscription ID', secret: false, required: false, pattern: guid, message: 'must be a GUID (the subscription id)', description: 'The first enabled subscription the principal sees when left empty.' },
    { name: 'subscription_name', label: 'Subscription name', secret: false, required: false, maxLength: 256, description: 'Chooses the subscription by its display name instead of its id.' },
  ],
  connect: {
    method: 'POST',
    path: '/azure/login',
    id: 'azure.login',
    summary: 'Connect an Azure subscription with a service principal (validated with Entra ID and ARM; the secret goes to the secret store only)',
    response: { message: 'string', subscription_id: 'string', subscription_name: 'string' },
  },
  status: {
    fields: [
      { name: 'subscription_id', from: 'account_id', type: 'string' },
      { name: 'subscription_name', from: 'account_name', type: 'string' },
    ],
    onFault: 'error',
    notConnected: 'Azure is not connected',
  },
  legacy: { status: ['/azure/status'] },
});
