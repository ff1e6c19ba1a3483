import { cloudresourcemanager } from '@googleapis/cloudresourcemanager';
import { OAuth2Client } from 'google-auth-library';
const auth = new OAuth2Client();
export const c = cloudresourcemanager({ version: 'v3', auth, rootUrl: 'http://x/' });
