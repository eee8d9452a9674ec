import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the AWS endpoints that have no local engine (KMS, SES v2), spoken to over HTTP
 * exactly as Tessera's client speaks to AWS: the test sees each call's operation, signing
 * service and decoded input, and decides the answer. What it checks is the wire contract (the
 * operation names, JSON shapes, base64 blobs, error documents) that AWS's API reference states.
 */
export interface FakeCall {
  /** `Sign`, `GetPublicKey` (from `X-Amz-Target`) or `SendEmail` (from the REST path). */
  operation: string;
  /** The signing name in the request's credential scope (`kms`, `ses`). */
  service: string;
  input: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

/** An error answer: AWS's error document with its exception name. */
export class FakeAwsError {
  constructor(
    readonly name: string,
    readonly message: string,
    readonly status = 400,
    readonly requestId = 'req-fake',
    /** More members of the error document (e.g. `CancellationReasons`). */
    readonly extra: Record<string, unknown> = {},
  ) {}
}

/** Answer nothing: the connection is reset, as on a network failure. */
export const DROP = Symbol('drop');

type Responder = (input: Record<string, unknown>, call: FakeCall) => unknown;

const REST_OPERATIONS: Record<string, string> = {
  'POST /v2/email/outbound-emails': 'SendEmail',
};

export const startFakeAws = async () => {
  const calls: FakeCall[] = [];
  const responders = new Map<string, Responder[]>();
  const fallback = new Map<string, Responder>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const target = req.headers['x-amz-target'];
      const operation =
        typeof target === 'string'
          ? (target.split('.').pop() ?? '')
          : (REST_OPERATIONS[`${req.method} ${req.url}`] ?? `${req.method} ${req.url}`);
      const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(
        req.headers.authorization ?? '',
      );
      const text = Buffer.concat(chunks).toString('utf8');
      const call: FakeCall = {
        operation,
        service: scope?.[1] ?? '',
        input: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        headers: req.headers,
      };
      calls.push(call);
      const respond = responders.get(operation)?.shift() ?? fallback.get(operation);
      try {
        if (!respond)
          throw new FakeAwsError('UnknownOperationException', `No answer for ${operation}`);
        const out = await respond(call.input, call);
        if (out === DROP) {
          req.socket.destroy();
          return;
        }
        if (out instanceof FakeAwsError) throw out;
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'req-fake' });
        res.end(JSON.stringify(out ?? {}));
      } catch (error) {
        const e =
          error instanceof FakeAwsError
            ? error
            : new FakeAwsError('InternalFailure', String(error), 500);
        res.writeHead(e.status, {
          'content-type': 'application/json',
          'x-amzn-requestid': e.requestId,
          'x-amzn-errortype': `${e.name}:http://internal.amazon.com/coral/`,
        });
        res.end(JSON.stringify({ __type: e.name, message: e.message, ...e.extra }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    /** Every call of one operation, in order. */
    callsOf: (operation: string) => calls.filter((c) => c.operation === operation),
    /** Answers every call of `operation` (after any `once` answers are used up). */
    on: (operation: string, respond: Responder) => {
      fallback.set(operation, respond);
    },
    /** Answers the next call of `operation` only. */
    once: (operation: string, respond: Responder) => {
      responders.set(operation, [...(responders.get(operation) ?? []), respond]);
    },
    reset: () => {
      calls.length = 0;
      responders.clear();
      fallback.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

export type FakeAws = Awaited<ReturnType<typeof startFakeAws>>;
