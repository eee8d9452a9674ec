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

/**
 * Amazon S3 (REST), the two object calls Tessera makes: the raw e-mails SES stored and ticket
 * attachments. One client per bucket, virtual-hosted style on AWS; with an endpoint given (tests,
 * S3-compatible stores) the bucket is the first path segment.
 */
export const s3Api = (options: Common & { bucket: string }) => {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3;
  const client = awsClient({
    service: 's3',
    ...options,
    endpoint: endpoint
      ? `${endpoint.replace(/\/$/, '')}/${options.bucket}`
      : `https://${options.bucket}.s3.${options.region}.amazonaws.com`,
  });
  const path = (key: string) => `/${key.split('/').map(encodeURIComponent).join('/')}`;
  return {
    getObject: (key: string) =>
      client.sendRaw({ method: 'GET', path: path(key), headers: {}, body: '' }),
    putObject: (key: string, body: Uint8Array, contentType: string) =>
      client.sendRaw({
        method: 'PUT',
        path: path(key),
        headers: { 'content-type': contentType },
        body,
      }),
  };
};
export type S3Api = ReturnType<typeof s3Api>;
