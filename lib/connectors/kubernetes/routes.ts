import { kubectlRoutes } from '../../kubectl/routes.ts';

/** The cluster's own routes (agent tokens, the clusters' agents): lib/kubectl/routes.ts. */
export const kubernetesRoutes = kubectlRoutes;
