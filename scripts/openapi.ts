/** npm run openapi: writes openapi.json from the route table. */
import { writeFileSync } from 'node:fs';
import { buildOpenApi } from '../lib/http/openapi.ts';
import { routes } from '../lib/http/routes.ts';

writeFileSync('openapi.json', JSON.stringify(buildOpenApi(routes), null, 2) + '\n');
process.stdout.write(`openapi.json: ${routes.length} routes\n`);
