import { defineConnector } from '../kit/define.ts';
import { github } from './definition.ts';
import { githubSection } from './settings.ts';

export const connector = defineConnector({
  id: 'github',
  name: 'GitHub',
  kind: 'tool',
  authKind: 'oauth2',
  settings: githubSection,
  clis: [],
  storesSecret: true,
  account: { label: 'GitHub account (numeric user id)', pattern: '^[0-9]{1,20}$', message: 'must be a GitHub numeric user id' },
  fields: [],
  oauth: { method: 'POST', path: '/github/login', urlField: 'oauth_url' },
  status: {
    fields: [
      { name: 'login', from: ['check', 'metadata.login'], type: 'string', nullable: true },
      { name: 'name', from: ['check', 'metadata.name'], type: 'string', nullable: true },
      { name: 'scopes', from: ['check', 'metadata.scopes'], type: 'string', nullable: true },
    ],
    onFault: 'error',
    notConnected: github.messages.notConnected,
  },
  legacy: {
    status: ['/github/status'],
    disconnect: { method: 'POST', path: '/github/disconnect', id: 'github.disconnect', response: { success: true, message: github.messages.disconnected } },
  },
  webhook: { path: '/github/webhook/{id}' },
  // every REST read is a GET; POST /graphql also carries mutations, so it is left to Agent mode
  proxy: { readOnlyPosts: [] },
});
