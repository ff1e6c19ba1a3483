import { cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager/build/v3.js';
import { googleCall, requestOptions, type GoogleCtx } from './google.ts';

/** Cloud Resource Manager v3 (only the v3 build is imported: the package index loads five API versions). */
const crm = (ctx: GoogleCtx, auth: cloudresourcemanager_v3.Options['auth']) => new cloudresourcemanager_v3.Cloudresourcemanager({ auth, rootUrl: ctx.cfg.roots.crm });

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

/** Every ACTIVE project the account can see, following nextPageToken. */
export async function listProjects(ctx: GoogleCtx): Promise<GcpProject[]> {
  const out: GcpProject[] = [];
  let pageToken: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await googleCall(ctx, 'cloudresourcemanager.projects.search', (auth) => crm(ctx, auth).projects.search({ pageToken, pageSize: 100 }, requestOptions(ctx.cfg)));
    for (const p of page.projects ?? []) {
      if (!p.projectId || (p.state && p.state !== 'ACTIVE') || seen.has(p.projectId)) continue;
      seen.add(p.projectId);
      out.push({ project_id: p.projectId, name: p.displayName ?? p.projectId });
    }
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return out;
}

export async function getProjectPolicy(ctx: GoogleCtx, projectId: string): Promise<IamPolicy> {
  return (await googleCall(ctx, 'cloudresourcemanager.projects.getIamPolicy', (auth) =>
    crm(ctx, auth).projects.getIamPolicy({ resource: `projects/${projectId}`, requestBody: { options: { requestedPolicyVersion: 3 } } }, requestOptions(ctx.cfg)),
  )) as IamPolicy;
}

/** setIamPolicy with the etag read before: Google answers 409 ABORTED if anyone changed it since. */
export async function setProjectPolicy(ctx: GoogleCtx, projectId: string, policy: IamPolicy): Promise<IamPolicy> {
  return (await googleCall(ctx, 'cloudresourcemanager.projects.setIamPolicy', (auth) =>
    crm(ctx, auth).projects.setIamPolicy({ resource: `projects/${projectId}`, requestBody: { policy: policy as cloudresourcemanager_v3.Schema$Policy } }, requestOptions(ctx.cfg)),
  )) as IamPolicy;
}

/** The subset of `permissions` the caller (whoever the token belongs to) holds on the project. */
export async function testProjectPermissions(ctx: GoogleCtx, projectId: string, permissions: string[]): Promise<string[]> {
  const r = await googleCall(ctx, 'cloudresourcemanager.projects.testIamPermissions', (auth) =>
    crm(ctx, auth).projects.testIamPermissions({ resource: `projects/${projectId}`, requestBody: { permissions } }, requestOptions(ctx.cfg)),
  );
  return r.permissions ?? [];
}
