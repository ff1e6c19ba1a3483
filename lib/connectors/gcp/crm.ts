import { googleCall, seg, type GoogleCtx } from './google.ts';

/** Cloud Resource Manager v3's `v3/{+resource}` of a project, under the API root */
const projectUrl = (ctx: GoogleCtx, projectId: string) => `${ctx.cfg.roots.crm}v3/projects/${seg(projectId)}`;

export interface GcpProject {
  project_id: string;
  name: string;
}

export interface IamBinding {
  role: string;
  members: string[];
  condition?: unknown;
}
export interface IamPolicy {
  version?: number;
  etag?: string;
  bindings?: IamBinding[];
  [k: string]: unknown;
}

interface SearchPage {
  projects?: Array<{ projectId?: string; displayName?: string; state?: string }>;
  nextPageToken?: string;
}

/** Every ACTIVE project the account can see, following nextPageToken. */
export async function listProjects(ctx: GoogleCtx): Promise<GcpProject[]> {
  const out: GcpProject[] = [];
  let pageToken: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await googleCall<SearchPage>(ctx, 'cloudresourcemanager.projects.search', { url: `${ctx.cfg.roots.crm}v3/projects:search`, query: { pageSize: 100, pageToken } });
    for (const p of page.projects ?? []) {
      if (!p.projectId || (p.state && p.state !== 'ACTIVE') || seen.has(p.projectId)) continue;
      seen.add(p.projectId);
      out.push({ project_id: p.projectId, name: p.displayName ?? p.projectId });
    }
    pageToken = page.nextPageToken || undefined;
  } while (pageToken);
  return out;
}

export async function getProjectPolicy(ctx: GoogleCtx, projectId: string): Promise<IamPolicy> {
  return googleCall<IamPolicy>(ctx, 'cloudresourcemanager.projects.getIamPolicy', { method: 'POST', url: `${projectUrl(ctx, projectId)}:getIamPolicy`, body: { options: { requestedPolicyVersion: 3 } } });
}

/** setIamPolicy with the etag read before: Google answers 409 ABORTED if anyone changed it since. */
export async function setProjectPolicy(ctx: GoogleCtx, projectId: string, policy: IamPolicy): Promise<IamPolicy> {
  return googleCall<IamPolicy>(ctx, 'cloudresourcemanager.projects.setIamPolicy', { method: 'POST', url: `${projectUrl(ctx, projectId)}:setIamPolicy`, body: { policy } });
}

/** The subset of `permissions` the caller (whoever the token belongs to) holds on the project. */
export async function testProjectPermissions(ctx: GoogleCtx, projectId: string, permissions: string[]): Promise<string[]> {
  const r = await googleCall<{ permissions?: string[] }>(ctx, 'cloudresourcemanager.projects.testIamPermissions', { method: 'POST', url: `${projectUrl(ctx, projectId)}:testIamPermissions`, body: { permissions } });
  return r.permissions ?? [];
}
