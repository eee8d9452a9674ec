import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface SignableRequest {
  method: string;
  hostname: string;
  /** Absolute path, without a query string (Tessera's calls carry none). */
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

const sha256Hex = (data: string | Uint8Array) =>
  (typeof data === 'string'
    ? createHash('sha256').update(data, 'utf8')
    : createHash('sha256').update(data)
  ).digest('hex');
const hmac = (key: string | Buffer, data: string) =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding of one path segment, as Signature Version 4 requires. */
const encodeSegment = (segment: string) =>
  encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** `20150830T123600Z`: the ISO 8601 basic form SigV4 signs. */
export const amzDate = (at: Date) =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/**
 * Signs a request with AWS Signature Version 4 (header form). Returns the headers to send: the
 * given ones plus `host`, `x-amz-date`, `x-amz-content-sha256`, the session token and
 * `authorization`. Every header sent is signed, so none can be altered on the way.
 */
export const signRequest = (
  request: SignableRequest,
  scope: { region: string; service: string },
  credentials: Credentials,
  at: Date,
): Record<string, string> => {
  const date = amzDate(at);
  const day = date.slice(0, 8);
  const payloadHash = sha256Hex(request.body);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  headers.host = request.hostname;
  headers['x-amz-date'] = date;
  headers['x-amz-content-sha256'] = payloadHash;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;

  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalHeaders = names
    .map((n) => `${n}:${(headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  // Non-S3 services sign the path with each segment encoded twice; S3 signs it encoded once.
  const encode =
    scope.service === 's3' ? encodeSegment : (s: string) => encodeSegment(encodeSegment(s));
  const canonicalPath = request.path
    .split('/')
    .map((s) => encode(decodeURIComponent(s)))
    .join('/');
  const canonicalRequest = [
    request.method,
    canonicalPath || '/',
    '',
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    date,
    credentialScope,
    sha256Hex(canonicalRequest),
  ].join('\n');
  const kDate = hmac(`AWS4${credentials.secretAccessKey}`, day);
  const kSigning = hmac(hmac(hmac(kDate, scope.region), scope.service), 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
};
