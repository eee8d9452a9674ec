import { type AwsClientOptions, awsClient } from './client.ts';

type Common = Pick<AwsClientOptions, 'region' | 'endpoint' | 'credentials' | 'maxAttempts'>;

/** AWS KMS (JSON 1.1): `call('Sign', input)`. Binary fields travel as base64 strings. */
export const kmsApi = (options: Common) => {
  const client = awsClient({ service: 'kms', endpointEnvName: 'KMS', ...options });
  return {
    call: (operation: 'Sign' | 'GetPublicKey', input: Record<string, unknown>) =>
      client.send(client.json(`TrentService.${operation}`, input, '1.1')),
  };
};
export type KmsApi = ReturnType<typeof kmsApi>;

/** Amazon SES v2 (REST JSON): the one operation Tessera calls, `SendEmail`. */
export const sesApi = (options: Common) => {
  const client = awsClient({
    service: 'ses',
    endpointPrefix: 'email',
    endpointEnvName: 'SESV2',
    ...options,
  });
  return {
    sendEmail: (input: Record<string, unknown>) =>
      client.send({
        method: 'POST',
        path: '/v2/email/outbound-emails',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      }),
  };
};
export type SesApi = ReturnType<typeof sesApi>;

/** Amazon Cognito user pools (JSON 1.1): `call('AdminCreateUser', input)`. */
export const cognitoApi = (options: Common) => {
  const client = awsClient({
    service: 'cognito-idp',
    endpointEnvName: 'COGNITO_IDENTITY_PROVIDER',
    ...options,
  });
  return {
    call: (operation: string, input: Record<string, unknown>) =>
      client.send(client.json(`AWSCognitoIdentityProviderService.${operation}`, input, '1.1')),
    destroy: () => client.destroy(),
  };
};
export type CognitoApi = ReturnType<typeof cognitoApi>;
