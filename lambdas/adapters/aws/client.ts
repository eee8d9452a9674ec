import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { systemClock } from '../clock.ts';
import { type Credentials, signRequest } from './sigv4.ts';

/**
 * A small signed-HTTPS client for the three AWS APIs Tessera's functions call (DynamoDB, KMS,
 * SES v2). It replaces the AWS SDK clients in the Lambda bundles, where their shared runtime
 * alone was 200 KiB of every function (docs/adr/0011-aws-calls-without-the-sdk.md). It keeps
 * what the SDK gave that matters here: Signature V4, keep-alive connections, the standard retry
 * policy (3 attempts, capped exponential backoff with full jitter, throttling, 5xx and network
 * errors only) and errors named by the service's own exception name.
 */

export type CredentialProvider = () => Promise<Credentials> | Credentials;

/** Lambda hands a function its role's credentials in the environment, refreshed per container. */
export const environmentCredentials: CredentialProvider = () => {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new AwsError({
      name: 'CredentialsProviderError',
      message: 'No AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
      status: 0,
      fault: 'client',
    });
  }
  return { accessKeyId, secretAccessKey, sessionToken: process.env.AWS_SESSION_TOKEN };
};

export interface AwsClientOptions {
  /** The signing name (`dynamodb`, `kms`, `ses`). */
  service: string;
  region: string;
  /** The endpoint's host prefix when it differs from the signing name (`email` for SES). */
  endpointPrefix?: string;
  /**
   * Overrides `https://<prefix>.<region>.amazonaws.com` (DynamoDB Local, tests). Without it the
   * standard `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL` variables apply, as in the SDKs.
   */
  endpoint?: string | undefined;
  /** The `<SERVICE>` of `AWS_ENDPOINT_URL_<SERVICE>` (`DYNAMODB`, `KMS`, `SESV2`). */
  endpointEnvName?: string;
  credentials?: CredentialProvider | undefined;
  maxAttempts?: number;
  /** Per attempt; a call that outlives it fails with `TimeoutError` (retried). */
  timeoutMs?: number;
}

/** An error answered by AWS or met on the way: `name` is the service's exception name. */
export class AwsError extends Error {
  readonly $metadata: { httpStatusCode: number; requestId?: string; attempts: number };
  readonly $fault: 'client' | 'server';
  /** The rest of the service's error document (e.g. `Item`, `CancellationReasons`). */
  readonly details: Record<string, unknown>;
  constructor(init: {
    name: string;
    message: string;
    status: number;
    fault: 'client' | 'server';
    requestId?: string | undefined;
    details?: Record<string, unknown>;
  }) {
    super(init.message);
    this.name = init.name;
    this.$fault = init.fault;
    this.details = init.details ?? {};
    this.$metadata = {
      httpStatusCode: init.status,
      ...(init.requestId ? { requestId: init.requestId } : {}),
      attempts: 1,
    };
  }
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
]);
const TRANSIENT = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

export const isRetryable = (error: AwsError) =>
  THROTTLING.has(error.name) ||
  TRANSIENT.has(error.name) ||
  [500, 502, 503, 504].includes(error.$metadata.httpStatusCode);

const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 20_000;
const backoff = (attempt: number) =>
  Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));

/** The exception name from `__type` (JSON protocols) or `x-amzn-ErrorType` (REST JSON). */
const errorName = (headers: Record<string, unknown>, body: Record<string, unknown>) => {
  const raw =
    (typeof headers['x-amzn-errortype'] === 'string' ? headers['x-amzn-errortype'] : undefined) ??
    (typeof body.__type === 'string' ? body.__type : undefined) ??
    (typeof body.code === 'string' ? body.code : undefined) ??
    'UnknownError';
  return raw.split(':')[0]?.split('#').pop() || 'UnknownError';
};

const parseJson = (text: string): Record<string, unknown> => {
  if (text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

export interface AwsCall {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** S3 answers errors in XML: `<Error><Code>NoSuchKey</Code><Message>…</Message></Error>`. */
const xmlError = (text: string): Record<string, unknown> => {
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  return code ? { __type: code, ...(message !== undefined ? { message } : {}) } : {};
};

export const awsClient = (options: AwsClientOptions) => {
  const configured =
    options.endpoint ??
    (options.endpointEnvName
      ? process.env[`AWS_ENDPOINT_URL_${options.endpointEnvName}`]
      : undefined) ??
    process.env.AWS_ENDPOINT_URL;
  const base = new URL(
    configured ||
      `https://${options.endpointPrefix ?? options.service}.${options.region}.amazonaws.com`,
  );
  const secure = base.protocol === 'https:';
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 50 })
    : new HttpAgent({ keepAlive: true, maxSockets: 50 });
  const credentials = options.credentials ?? environmentCredentials;
  const maxAttempts = options.maxAttempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const basePath = base.pathname.replace(/\/$/, '');
  const retried = retriedWith(maxAttempts);

  const once = async (call: AwsCall): Promise<Buffer> => {
    const path = `${basePath}${call.path}`;
    const headers = signRequest(
      { method: call.method, hostname: base.host, path, headers: call.headers, body: call.body },
      { region: options.region, service: options.service },
      await credentials(),
      systemClock.now(),
    );
    return new Promise((resolve, reject) => {
      const send = secure ? httpsRequest : httpRequest;
      const req = send(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port || undefined,
          method: call.method,
          path,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(call.body)) },
          agent,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const bytes = Buffer.concat(chunks);
            if (status >= 200 && status < 300) return resolve(bytes);
            const text = bytes.toString('utf8');
            const body = text.startsWith('<') ? xmlError(text) : parseJson(text);
            const { message, Message, __type: _t, ...details } = body;
            const requestId = res.headers['x-amzn-requestid'];
            reject(
              new AwsError({
                name:
                  status === 404 && Object.keys(body).length === 0
                    ? 'NotFound'
                    : errorName(res.headers, body),
                message: String(message ?? Message ?? `HTTP ${status}`),
                status,
                fault: status >= 500 ? 'server' : 'client',
                requestId: typeof requestId === 'string' ? requestId : undefined,
                details,
              }),
            );
          });
        },
      );
      req.on('timeout', () => {
        req.destroy(
          new AwsError({
            name: 'TimeoutError',
            message: 'The AWS call timed out',
            status: 0,
            fault: 'client',
          }),
        );
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        reject(
          error instanceof AwsError
            ? error
            : new AwsError({
                name: error.code ?? error.name,
                message: error.message,
                status: 0,
                fault: 'client',
              }),
        );
      });
      req.end(call.body);
    });
  };

  return {
    /** Closes kept-alive connections (command-line tools, tests); Lambda never needs it. */
    destroy: () => agent.destroy(),
    /** One call, retried on throttling, 5xx and network errors; other errors are thrown at once. */
    send: async (
      call: AwsCall,
      /** Wraps each attempt inside the retry loop (tests inject faults here). */
      aroundAttempt?: (
        attempt: () => Promise<Record<string, unknown>>,
      ) => Promise<Record<string, unknown>>,
    ): Promise<Record<string, unknown>> =>
      retried(() => {
        const attempt = async () => parseJson((await once(call)).toString('utf8'));
        return aroundAttempt ? aroundAttempt(attempt) : attempt();
      }),
    /** The same, answering the response's bytes (S3 objects). */
    sendRaw: (call: AwsCall): Promise<Buffer> => retried(() => once(call)),
    /** An AWS JSON 1.0/1.1 operation (DynamoDB, KMS): POST / with `X-Amz-Target`. */
    json: (target: string, input: unknown, version: '1.0' | '1.1') => ({
      method: 'POST' as const,
      path: '/',
      headers: {
        'content-type': `application/x-amz-json-${version}`,
        'x-amz-target': target,
      },
      body: JSON.stringify(input),
    }),
  };
};

/** Retries throttling, 5xx and network errors with capped backoff; throws anything else at once. */
const retriedWith =
  (maxAttempts: number) =>
  async <T>(attemptOnce: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await attemptOnce();
      } catch (error) {
        if (!(error instanceof AwsError) || !isRetryable(error) || attempt >= maxAttempts) {
          if (error instanceof AwsError) error.$metadata.attempts = attempt;
          throw error;
        }
        await new Promise((r) => setTimeout(r, backoff(attempt)));
      }
    }
  };

export type AwsClient = ReturnType<typeof awsClient>;
