/**
 * Operator CLI: API tokens written straight into the table with the caller's own AWS credentials
 * (or into the running local runtime with --local). The bootstrap path for a new deployment, and
 * the way back in when every admin token is lost. `npm run admin -- --help` lists the commands;
 * `npm run admin -- <command> --help` explains one. The IAM it needs is in docs/deploy.md.
 */
import { parseArgs } from 'node:util';
import { AwsError } from '../lambdas/adapters/aws/client.ts';
import { idGenerator } from '../lambdas/adapters/ids.ts';
import { tokenSecrets } from '../lambdas/adapters/token-secrets.ts';
import { isDomainError } from '../lambdas/domain/errors.ts';
import { roles } from '../lambdas/domain/principal.ts';
import {
  CreateTokenInput,
  createToken,
  listTokens,
  revokeToken,
  TokenId,
} from '../lambdas/domain/tokens.ts';
import { tokenStore } from '../lambdas/store/tokens.ts';
import {
  awsTable,
  CREDENTIALS_HELP,
  isCredentialsError,
  localTable,
  regionFrom,
} from './table-target.ts';

const TARGET = `Where (one of):
  --local                          the running local runtime (npm start)
  --table <TableName> --region <region> [--endpoint <url>]
                                   a deployed stage's table (TableName is a Data stack output),
                                   with your AWS credentials (profile, SSO or environment)`;

const commands = {
  'create-token': {
    summary: 'Create an API token; its secret is shown once',
    usage: `npm run admin -- create-token --role <role> --name <name> [--customer <cus_…>] [--expires <ISO time>] <where>

Roles: ${roles.join(', ')}
--customer binds a customer-admin or customer-user token to one customer.`,
  },
  'list-tokens': {
    summary: 'List API tokens (without their secrets)',
    usage: 'npm run admin -- list-tokens [--revoked] <where>\n\n--revoked includes revoked tokens.',
  },
  'revoke-token': {
    summary: 'Revoke an API token at once',
    usage: 'npm run admin -- revoke-token <tok_…> <where>',
  },
} as const;
type Command = keyof typeof commands;

const overview = `Tessera admin CLI

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`)
  .join('\n')}

npm run admin -- <command> --help   explains one command.`;

const helpFor = (command: Command) => `${commands[command].usage}\n\n${TARGET}`;

/** A usage problem: the message names what the user typed; no stack trace. */
class UsageError extends Error {}

const options = {
  role: { type: 'string' },
  name: { type: 'string' },
  customer: { type: 'string' },
  expires: { type: 'string' },
  revoked: { type: 'boolean', default: false },
  local: { type: 'boolean', default: false },
  table: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const parse = (argv: string[]) => {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (error) {
    // node:util names the option it did not know or that lacked its value.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};

const target = async (values: ReturnType<typeof parse>['values']) => {
  if (values.local) {
    const local = await localTable();
    if ('missing' in local) throw new UsageError(`--local: ${local.missing}`);
    return local;
  }
  if (!values.table)
    throw new UsageError('Say where: --table <TableName> --region <region>, or --local.');
  const region = regionFrom(values.region);
  if (!region) {
    throw new UsageError(
      `--table ${values.table}: which region? Add --region <region> (or set AWS_REGION).`,
    );
  }
  return awsTable(values.table, region, values.endpoint);
};

const cli = { principal: { kind: 'system' as const, name: 'admin-cli' } };

const run = async (command: Command, args: ReturnType<typeof parse>) => {
  const { values, positionals } = args;
  const where = await target(values);
  const store = tokenStore(where.db, where.tableName);
  const ctx = { ...cli, now: new Date(), ids: idGenerator() };
  if (command === 'create-token') {
    const input = CreateTokenInput.safeParse({
      name: values.name,
      role: values.role,
      ...(values.customer ? { customerId: values.customer } : {}),
      ...(values.expires ? { expiresAt: values.expires } : {}),
    });
    if (!input.success) {
      const flag = (path: PropertyKey | undefined) =>
        path === 'customerId' ? 'customer' : path === 'expiresAt' ? 'expires' : String(path);
      throw new UsageError(
        input.error.issues.map((i) => `--${flag(i.path[0])}: ${i.message}`).join('\n'),
      );
    }
    const created = await createToken(store, tokenSecrets, ctx, input.data);
    console.log(`Created ${created.role} token ${created.id} (${created.name}).`);
    console.log('Store it now; Tessera keeps only its hash and cannot show it again:\n');
    console.log(`  ${created.token}\n`);
    return;
  }
  if (command === 'list-tokens') {
    let cursor: string | undefined;
    let shown = 0;
    do {
      const page = await listTokens(store, cli.principal, {
        limit: 100,
        includeRevoked: values.revoked,
        ...(cursor ? { cursor } : {}),
      });
      for (const t of page.items) {
        const status = t.revokedAt
          ? `revoked ${t.revokedAt}`
          : t.expiresAt
            ? `expires ${t.expiresAt}`
            : 'active';
        console.log(
          `${t.id}  ${t.role.padEnd(15)} ${(t.customerId ?? '-').padEnd(30)} ${status.padEnd(34)} ${t.name}`,
        );
        shown++;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    if (shown === 0) console.log('No tokens.');
    return;
  }
  const id = TokenId.safeParse(positionals[1]);
  if (!id.success) {
    throw new UsageError(
      positionals[1] === undefined
        ? 'revoke-token: which token? Give its id (tok_…).'
        : `revoke-token ${positionals[1]}: not a token id (tok_ and 16 characters).`,
    );
  }
  const revoked = await revokeToken(store, ctx, id.data);
  console.log(`Revoked token ${revoked.id} (${revoked.name}) at ${revoked.revokedAt}.`);
};

/** What went wrong with AWS, said for an operator: the fix, not a stack trace. */
const explain = (
  error: unknown,
  values: ReturnType<typeof parse>['values'],
): string | undefined => {
  const name = error instanceof Error ? error.name : '';
  if (isCredentialsError(error)) return CREDENTIALS_HELP;
  if (error instanceof AwsError) {
    if (name === 'ResourceNotFoundException') {
      return `--table ${values.table}: no such table in ${values.region ?? 'this region'}; check --table (the Data stack's TableName output) and --region.`;
    }
    if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException') {
      return `AWS refused (${name}): your credentials may not use table ${values.table}; the IAM the CLI needs is in docs/deploy.md.`;
    }
    if (name === 'ENOTFOUND' || name === 'ECONNREFUSED') {
      return `Cannot reach DynamoDB (${name}): check --region${values.endpoint ? ' and --endpoint' : ''}.`;
    }
    return `AWS answered ${name}: ${error.message}`;
  }
  if (isDomainError(error)) return `${error.code}: ${error.message}`;
  return undefined;
};

const main = async (argv: string[]) => {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${overview}`);
    return 2;
  }
  const command = args.positionals[0];
  if (command === undefined || command === 'help') {
    const about = args.positionals[1];
    console.log(about && about in commands ? helpFor(about as Command) : overview);
    return args.values.help || command === 'help' ? 0 : 2;
  }
  if (!(command in commands)) {
    console.error(`Unknown command '${command}'.\n\n${overview}`);
    return 2;
  }
  if (args.values.help) {
    console.log(helpFor(command as Command));
    return 0;
  }
  try {
    await run(command as Command, args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${helpFor(command as Command)}`);
      return 2;
    }
    const explained = explain(error, args.values);
    console.error(explained ?? error);
    return 1;
  }
};

process.exitCode = await main(process.argv.slice(2));
