/** Scaleway as data: credential formats, API paths and the messages users see. */
export const scaleway = {
  /** "SCW" + 17–20 upper-case letters or digits (20–23 characters in all) */
  accessKeyPattern: /^SCW[A-Z0-9]{17,20}$/,
  /** secret keys and organisation/project ids are UUIDs */
  uuidPattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  paths: {
    apiKey: (accessKey: string) => `/iam/v1alpha1/api-keys/${encodeURIComponent(accessKey)}`,
    user: (id: string) => `/iam/v1alpha1/users/${encodeURIComponent(id)}`,
    application: (id: string) => `/iam/v1alpha1/applications/${encodeURIComponent(id)}`,
    projects: (organizationId: string, page: number, pageSize: number) =>
      `/account/v3/projects?${new URLSearchParams({ organization_id: organizationId, page: String(page), page_size: String(pageSize) })}`,
  },
  /** Account v3 allows up to 100 per page; more pages than this is not an organisation we can list */
  projectsPageSize: 100,
  maxProjectPages: 50,
  messages: {
    invalidCredentials: 'Invalid credentials. Please check your access key and secret key.',
    accessDenied: 'Access denied. Please check your API key permissions.',
    connectRequired: 'Scaleway is not connected. Connect it with an access key and secret key first.',
    connected: 'Scaleway connected successfully',
    disconnected: 'Scaleway disconnected successfully',
  },
} as const;
