import { cognitoApi } from '../../lambdas/adapters/aws/services.ts';
import { cognitoDirectory, randomPasswords } from '../../lambdas/adapters/cognito.ts';
import { documentClient } from '../../lambdas/adapters/dynamodb.ts';
import { idGenerator } from '../../lambdas/adapters/ids.ts';
import { outboxMailer } from '../../lambdas/adapters/mailer-outbox.ts';
import { tokenSecrets } from '../../lambdas/adapters/token-secrets.ts';
import { invitationMessage } from '../../lambdas/domain/emails.ts';
import { invitePerson } from '../../lambdas/domain/people.ts';
import { createToken } from '../../lambdas/domain/tokens.ts';
import { createStores } from '../../lambdas/store/index.ts';
import { recordInState, type StatePaths } from './state.ts';

export { loadOrCreateLocalSigningKey } from '../../lambdas/adapters/signer-local.ts';

/**
 * Mints the first vendor-admin token when the table holds no token at all. The secret is returned
 * to be shown once; state.json records only which token it was.
 */
export const bootstrapAdmin = async (paths: StatePaths, endpoint: string, tableName: string) => {
  const db = documentClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1' });
  try {
    const { tokens } = createStores(db, tableName);
    const existing = await tokens.list({}, { limit: 1 });
    if (existing.items.length > 0) return undefined;
    const now = new Date();
    const created = await createToken(
      tokens,
      tokenSecrets,
      { principal: { kind: 'system', name: 'local-bootstrap' }, now, ids: idGenerator() },
      { name: 'local bootstrap admin', role: 'vendor-admin' },
    );
    await recordInState(paths, tableName, {
      bootstrap: {
        tokenId: created.id,
        name: created.name,
        role: created.role,
        createdAt: now.toISOString(),
      },
    });
    return created.token;
  } finally {
    db.destroy();
  }
};

export interface FirstPersonOptions {
  endpoint: string;
  tableName: string;
  cognitoEndpoint: string;
  userPoolId: string;
  email: string;
  consoleUrl: string;
  from: string;
}

/**
 * Invites the first vendor-admin person when nobody has been invited yet, through the same
 * use case the API runs: a Cognito account with a temporary password, Tessera's record, and the
 * invitation e-mail in the outbox. Returns the e-mail and temporary password to show once.
 */
export const bootstrapFirstPerson = async (paths: StatePaths, options: FirstPersonOptions) => {
  const db = documentClient({
    endpoint: options.endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
  });
  const api = cognitoApi({
    region: process.env.AWS_REGION ?? 'us-east-1',
    endpoint: options.cognitoEndpoint,
    credentials: () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
  });
  try {
    const { people } = createStores(db, options.tableName);
    const existing = await people.list({}, { limit: 1 });
    if (existing.items.length > 0) return undefined;
    const mailer = outboxMailer({ dir: paths.outbox, from: options.from });
    let temporaryPassword = '';
    const now = new Date();
    const person = await invitePerson(
      {
        store: people,
        directory: cognitoDirectory(api, options.userPoolId),
        passwords: randomPasswords,
        inviter: {
          send: async (invitation) => {
            temporaryPassword = invitation.temporaryPassword;
            await mailer.send(invitationMessage({ ...invitation, signInUrl: options.consoleUrl }));
          },
        },
      },
      { principal: { kind: 'system', name: 'local-bootstrap' }, now, ids: idGenerator() },
      { email: options.email, name: 'First administrator', role: 'vendor-admin' },
    );
    await recordInState(paths, options.tableName, {
      firstPerson: { personId: person.id, email: person.email, createdAt: now.toISOString() },
    });
    return { email: person.email, temporaryPassword };
  } finally {
    api.destroy();
    db.destroy();
  }
};
