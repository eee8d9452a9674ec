/**
 * Operator CLI. `create-token` writes an API token straight into the table with the caller's own
 * AWS credentials (or into the running local runtime with --local): the bootstrap path for a new
 * deployment, and the way back in when every admin token is lost.
 *
 *   npm run admin -- create-token --role vendor-admin --name "first admin" --table <TableName> --region eu-west-1
 *   npm run admin -- create-token --role vendor-admin --name me --local
 */
import { parseArgs } from 'node:util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { documentClient } from '../lambdas/adapters/dynamodb.ts';
import { idGenerator } from '../lambdas/adapters/ids.ts';
import { tokenSecrets } from '../lambdas/adapters/token-secrets.ts';
import { isDomainError } from '../lambdas/domain/errors.ts';
import { Role } from '../lambdas/domain/principal.ts';
import { CreateTokenInput, createToken } from '../lambdas/domain/tokens.ts';
import { tokenStore } from '../lambdas/store/tokens.ts';
import { defaultStateDir, readRunning } from './local/state.ts';

const usage = `Usage:
  npm run admin -- create-token --role <role> --name <name> [--customer <cus_…>] [--expires <ISO time>]
                   (--local | --table <TableName> [--region <region>] [--endpoint <url>])

Roles: ${Role.options.join(', ')}`;

const fail = (message: string): never => {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
};

const localTarget = async () => {
  const stateDir = defaultStateDir();
  const running = await readRunning(stateDir);
  if (!running)
    return fail(`No running local Tessera found in ${stateDir}: start it with 'npm start' first.`);
  return { endpoint: running.dynamoEndpoint, tableName: running.tableName };
};

const main = async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      customer: { type: 'string' },
      expires: { type: 'string' },
      local: { type: 'boolean', default: false },
      table: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
    },
  });
  if (positionals[0] !== 'create-token') fail('Unknown or missing command.');
  const input = CreateTokenInput.safeParse({
    name: values.name,
    role: values.role,
    ...(values.customer ? { customerId: values.customer } : {}),
    ...(values.expires ? { expiresAt: values.expires } : {}),
  });
  if (!input.success) {
    return fail(input.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('\n'));
  }

  const target = values.local
    ? await localTarget()
    : {
        tableName: values.table ?? fail('--table (or --local) is required.'),
        endpoint: values.endpoint,
      };
  if (values.local) {
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  }
  const region =
    values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // An operator's own credentials: profile, SSO, environment, as the AWS CLI finds them.
  const db = documentClient({
    region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    credentials: defaultProvider(),
  });

  const created = await createToken(
    tokenStore(db, target.tableName),
    tokenSecrets,
    { principal: { kind: 'system', name: 'admin-cli' }, now: new Date(), ids: idGenerator() },
    input.data,
  );
  console.log(`Created ${created.role} token ${created.id} (${created.name}).`);
  console.log('Store it now; Tessera keeps only its hash and cannot show it again:\n');
  console.log(`  ${created.token}\n`);
};

main().catch((error: unknown) => {
  console.error(isDomainError(error) ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
