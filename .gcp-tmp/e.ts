import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager/build/v3.js';
import { OAuth2Client } from 'google-auth-library';
const auth = new OAuth2Client();
export const c = new cloudresourcemanager_v3.Cloudresourcemanager({ auth, rootUrl: 'http://x/' });
export const d = DynamoDBDocumentClient.from(new DynamoDBClient({}));
