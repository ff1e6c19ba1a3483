import { OAuth2Client } from 'google-auth-library';
export const auth = new OAuth2Client();
