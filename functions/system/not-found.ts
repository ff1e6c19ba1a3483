import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { NotFoundError, toErrorBody } from '../../lib/errors.ts';

/**
 * The API's `$default` route: a path no route matches gets the same JSON error envelope as every
 * other error, instead of API Gateway's bare {"message":"Not Found"}. It touches nothing.
 */
export const handler = async (_event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 404,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(toErrorBody(new NotFoundError('Not Found'))),
});
