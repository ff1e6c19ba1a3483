/** Azure as data: id formats, the Entra error codes we explain, and the messages users see. */
export const azure = {
  guidPattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  /**
   * a tenant is a GUID or one of its verified domains (contoso.onmicrosoft.com); it becomes a path
   * segment of the token URL, so nothing else (no slash, dot segment or scheme) may pass
   */
  tenantPattern: /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?=.{4,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63})$/,
  /** ARM subscription states; only Enabled ones are usable (Warned and PastDue are on their way out) */
  enabledState: 'Enabled',
  maxSubscriptionPages: 50,
  /** Entra ID (AADSTS) codes worth a plain-language reason */
  aadsts: {
    7000215: 'the client secret is invalid',
    7000222: 'the client secret has expired',
    90002: 'the tenant was not found',
    900023: 'the tenant id is not valid',
    700016: 'the application (client id) was not found in the tenant',
    700024: 'the client assertion is not valid',
    50034: 'the account does not exist in the tenant',
  } as Record<number, string>,
  messages: {
    loggedIn: 'Successfully logged in to Azure',
    invalidCredentials: 'Invalid Azure credentials',
    /** beside `tenantPattern`: the connect form and armToken refuse a tenant with the same words */
    invalidTenant: 'must be the directory (tenant) id: a GUID or a domain such as contoso.onmicrosoft.com',
    noEnabledSubscription: 'No enabled subscription found',
    notConnected: 'Azure is not connected. Log in with a service principal first.',
  },
} as const;
