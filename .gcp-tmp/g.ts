import { cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager/build/v3.js';
import { serviceusage_v1 } from '@googleapis/serviceusage/build/v1.js';
import { iam_v1 } from '@googleapis/iam/build/v1.js';
import { iamcredentials_v1 } from '@googleapis/iamcredentials/build/v1.js';
import { OAuth2Client } from 'google-auth-library';
const auth = new OAuth2Client();
export const c = [new cloudresourcemanager_v3.Cloudresourcemanager({ auth, rootUrl: 'http://x/' }), new serviceusage_v1.Serviceusage({auth}), new iam_v1.Iam({auth}), new iamcredentials_v1.Iamcredentials({auth})];
