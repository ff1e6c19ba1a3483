import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager/build/v3.js';
import { AuthPlus } from 'googleapis-common';
const auth = new (new AuthPlus().OAuth2)();
export const c = new cloudresourcemanager_v3.Cloudresourcemanager({ auth, rootUrl: 'http://x/' });
export const d = DynamoDBDocumentClient.from(new DynamoDBClient({}));
