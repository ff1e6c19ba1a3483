import { BadRequestError } from '../../errors.ts';
import { secret } from '../../secret-value.ts';
import type { Verify } from '../kit/behaviour.ts';
import { scalewayApi, type ScalewayProject } from './adapter.ts';
import { scaleway } from './definition.ts';

/**
 * POST /scaleway_api/scaleway/connect: validate the key against Scaleway (key → owner's
 * organisation → the organisation's projects). A given organisation must be the key's own; a
 * given project must belong to it. Otherwise both are detected. The secret key goes to the secret
 * store (it is the connector's secret field), the rest to the record.
 */
export const verify: Verify = async (d, _userId, input) => {
  const accessKey = input.access_key!;
  const api = scalewayApi(d.config.scaleway, secret(input.secret_key!));
  const key = await api.apiKey(accessKey);
  const ownerOrg = await api.ownerOrganization(key);
  if (input.organization_id && ownerOrg && input.organization_id.toLowerCase() !== ownerOrg.toLowerCase()) {
    throw new BadRequestError('organization_id is not the organization that owns this API key', { field: 'organization_id', code: 'organization_mismatch' });
  }
  const organizationId = ownerOrg ?? input.organization_id;
  if (!organizationId) {
    throw new BadRequestError('Could not detect the organization of this API key; please provide organization_id', { field: 'organization_id', code: 'organization_required' });
  }
  const projects = await api.projects(organizationId);
  let defaultProject: ScalewayProject | undefined;
  if (input.project_id) {
    defaultProject = projects.find((p) => p.id.toLowerCase() === input.project_id!.toLowerCase());
    if (!defaultProject) throw new BadRequestError('project_id is not a project of this organization', { field: 'project_id', code: 'project_not_in_organization' });
  } else {
    defaultProject = projects.find((p) => p.id === key.default_project_id) ?? projects[0];
  }
  return {
    accountId: organizationId,
    accountName: defaultProject?.name ?? organizationId,
    metadata: { access_key: accessKey, organization_id: organizationId, default_project_id: defaultProject?.id ?? null },
    response: { success: true, message: scaleway.messages.connected, organization_id: organizationId, projects_count: projects.length },
  };
};
