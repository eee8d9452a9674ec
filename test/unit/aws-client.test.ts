import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsError, awsClient } from '../../lambdas/adapters/aws/client.ts';
import { signRequest } from '../../lambdas/adapters/aws/sigv4.ts';
import {
  documentClient,
  TransactionCanceledException,
  TransactWriteCommand,
} from '../../lambdas/adapters/dynamodb.ts';
import { DROP, type FakeAws, FakeAwsError, startFakeAws } from '../support/fake-aws.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};

/** The AWS SDK's own signer, as an independent check of Tessera's. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = secret instanceof ArrayBuffer ? new Uint8Array(secret) : secret;
    this.hash = key ? createHmac('sha256', key as string | Uint8Array) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(
      data instanceof ArrayBuffer ? new Uint8Array(data) : (data as string | Uint8Array),
    );
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {}
}

describe('Signature Version 4', () => {
  it.each([
    [
      'a DynamoDB JSON call',
      'dynamodb',
      'dynamodb.eu-west-1.amazonaws.com',
      '/',
      'DynamoDB_20120810.GetItem',
    ],
    ['a KMS call', 'kms', 'kms.eu-west-1.amazonaws.com', '/', 'TrentService.Sign'],
    [
      'an SES REST call',
      'ses',
      'email.eu-west-1.amazonaws.com',
      '/v2/email/outbound-emails',
      undefined,
    ],
  ])(
    'signs %s exactly as the AWS SDK signer does',
    async (_what, service, hostname, path, target) => {
      const at = new Date('2026-11-30T12:36:00Z');
      const body = JSON.stringify({ TableName: 't', Key: { pk: { S: 'a b/ü' } } });
      const headers: Record<string, string> = {
        'content-type': 'application/x-amz-json-1.0',
        ...(target ? { 'x-amz-target': target } : {}),
      };

      const ours = signRequest(
        { method: 'POST', hostname, path, headers, body },
        { region: 'eu-west-1', service },
        credentials,
        at,
      );
      const sdk = await new SignatureV4({
        service,
        region: 'eu-west-1',
        credentials,
        sha256: Sha256,
      }).sign(
        {
          method: 'POST',
          protocol: 'https:',
          hostname,
          path,
          headers: {
            ...headers,
            host: hostname,
            'x-amz-content-sha256': ours['x-amz-content-sha256'] ?? '',
          },
          body,
          query: {},
        },
        { signingDate: at },
      );

      expect(ours.authorization).toBe(sdk.headers.authorization);
      expect(ours['x-amz-security-token']).toBe(credentials.sessionToken);
    },
  );
});

describe('Signature Version 4 for S3', () => {
  it('signs an object PUT with a binary body and an encoded key exactly as the AWS SDK signer does', async () => {
    const at = new Date('2026-11-30T12:36:00Z');
    const hostname = 'tessera-dev-files.s3.eu-west-1.amazonaws.com';
    const path = '/attachments/att%20%C3%BC%2B1';
    const body = new Uint8Array([0, 1, 2, 250, 255]);
    const headers = { 'content-type': 'application/pdf' };
    const ours = signRequest(
      { method: 'PUT', hostname, path, headers, body },
      { region: 'eu-west-1', service: 's3' },
      credentials,
      at,
    );
    const sdk = await new SignatureV4({
      service: 's3',
      region: 'eu-west-1',
      credentials,
      sha256: Sha256,
      uriEscapePath: false,
    }).sign(
      {
        method: 'PUT',
        protocol: 'https:',
        hostname,
        path,
        headers: {
          ...headers,
          host: hostname,
          'x-amz-content-sha256': ours['x-amz-content-sha256'] ?? '',
        },
        body,
        query: {},
      },
      { signingDate: at },
    );
    expect(ours['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(ours.authorization).toBe(sdk.headers.authorization);
  });
});

describe('the AWS client', () => {
  let aws: FakeAws;
  beforeAll(async () => {
    aws = await startFakeAws();
  });
  afterEach(() => aws.reset());
  afterAll(() => aws.close());
  const client = (maxAttempts = 3) =>
    awsClient({
      service: 'kms',
      region: 'eu-west-1',
      endpoint: aws.endpoint,
      maxAttempts,
      credentials: () => credentials,
    });
  const call = (c: ReturnType<typeof client>) =>
    c.send(c.json('TrentService.Sign', { KeyId: 'k' }, '1.1'));

  it('retries throttling, 5xx and dropped connections, then answers', async () => {
    aws.once('Sign', () => new FakeAwsError('ThrottlingException', 'slow down'));
    aws.once('Sign', () => new FakeAwsError('InternalFailure', 'oops', 500));
    aws.on('Sign', () => ({ Signature: 'c2ln' }));
    expect(await call(client())).toEqual({ Signature: 'c2ln' });
    expect(aws.callsOf('Sign')).toHaveLength(3);

    aws.reset();
    aws.once('Sign', () => DROP);
    aws.on('Sign', () => ({ Signature: 'c2ln' }));
    expect(await call(client())).toEqual({ Signature: 'c2ln' });
  });

  it('gives up after the last attempt with the service error, its name, status and request id', async () => {
    aws.on('Sign', () => new FakeAwsError('ThrottlingException', 'slow down', 400, 'req-9'));
    const error = await call(client(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({
      name: 'ThrottlingException',
      message: 'slow down',
      $metadata: { httpStatusCode: 400, requestId: 'req-9', attempts: 2 },
    });
    expect(aws.callsOf('Sign')).toHaveLength(2);
  });

  it('never retries a refusal that a retry cannot change', async () => {
    aws.on('Sign', () => new FakeAwsError('DisabledException', 'key disabled'));
    await expect(call(client())).rejects.toMatchObject({
      name: 'DisabledException',
      $fault: 'client',
    });
    expect(aws.callsOf('Sign')).toHaveLength(1);
  });

  it('takes its endpoint from AWS_ENDPOINT_URL_<SERVICE> when none is given, as the SDKs do', async () => {
    aws.on('Sign', () => ({}));
    process.env.AWS_ENDPOINT_URL_KMS = aws.endpoint;
    try {
      const c = awsClient({
        service: 'kms',
        endpointEnvName: 'KMS',
        region: 'eu-west-1',
        credentials: () => credentials,
      });
      await call(c);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_KMS;
    }
    expect(aws.callsOf('Sign')[0]?.service).toBe('kms');
  });

  it('sends a transaction again with the same ClientRequestToken, so DynamoDB applies it once', async () => {
    aws.once('TransactWriteItems', () => new FakeAwsError('InternalServerError', 'try again', 500));
    aws.on('TransactWriteItems', () => ({}));
    const db = documentClient({
      region: 'eu-west-1',
      endpoint: aws.endpoint,
      credentials: () => credentials,
    });
    await db.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: 't', Item: { pk: 'a', n: 1 } } }],
      }),
    );
    const [first, second] = aws.callsOf('TransactWriteItems');
    expect(first?.input.ClientRequestToken).toEqual(expect.any(String));
    expect(second?.input.ClientRequestToken).toBe(first?.input.ClientRequestToken);
    expect(first?.input.TransactItems).toEqual([
      { Put: { TableName: 't', Item: { pk: { S: 'a' }, n: { N: '1' } } } },
    ]);
  });

  it('hands a cancelled transaction back with its reasons, one per item', async () => {
    const old = { pk: { S: 'a' }, used: { N: '7' } };
    aws.on(
      'TransactWriteItems',
      () =>
        new FakeAwsError('TransactionCanceledException', 'cancelled', 400, 'req-1', {
          CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: old }],
        }),
    );
    const db = documentClient({
      region: 'eu-west-1',
      endpoint: aws.endpoint,
      credentials: () => credentials,
    });
    const error = await db
      .send(new TransactWriteCommand({ TransactItems: [] }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Item: old },
    ]);
    expect(aws.callsOf('TransactWriteItems')).toHaveLength(1);
  });
});
