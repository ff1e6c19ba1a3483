import { defineConnector } from '../kit/define.ts';
import { slack } from './definition.ts';
import { slackSection } from './settings.ts';

export const connector = defineConnector({
  id: 'slack',
  name: 'Slack',
  kind: 'tool',
  authKind: 'oauth2',
  featureFlag: 'FEATURE_FLAG_SLACK_ENABLED',
  settings: slackSection,
  clis: [],
  storesSecret: true,
  account: { label: 'Slack workspace (team id)', pattern: '^[TE][A-Z0-9]{2,20}$', message: 'must be a Slack team id (T…)' },
  fields: [],
  oauth: { method: 'POST', path: '/slack', urlField: 'oauth_url' },
  status: {
    fields: [
      { name: 'team', from: ['check', 'account_name'], type: 'string', nullable: true },
      { name: 'team_id', from: 'account_id', type: 'string', nullable: true },
      { name: 'bot_user', from: ['check', 'metadata.bot_user'], type: 'string', nullable: true },
      { name: 'bot_user_id', from: ['check', 'metadata.bot_user_id'], type: 'string', nullable: true },
    ],
    onFault: 'error',
    notConnected: slack.messages.notConnected,
  },
  legacy: {
    status: ['/slack'],
    disconnect: { method: 'DELETE', path: '/slack', id: 'slack.disconnect', response: { success: true, message: slack.messages.disconnected } },
  },
});
