/**
 * Calls to Tessera in the cloud: the relay's own API (allotments, instance checks) with its
 * credential, and the instance API passed through on behalf of instances. A network failure or
 * a 5xx is `CloudAway`; the callers then serve what they cached.
 */
export class CloudAway extends Error {}

export interface CloudAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface GrantedAllotment {
  productCode: string;
  seats: number;
  expiresAt: string;
  renewAfter: string;
  document: string;
}

export class Cloud {
  constructor(
    private readonly baseUrl: string,
    private readonly credential: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Passes an instance's request through: same method, path, body and the headers that matter. */
  async forward(
    method: string,
    path: string,
    headers: Record<string, string | undefined>,
    body?: string,
  ): Promise<CloudAnswer> {
    const pass: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'if-none-match', 'idempotency-key']) {
      const value = headers[name];
      if (value) pass[name] = value;
    }
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: pass,
        ...(body !== undefined && method !== 'GET' ? { body } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new CloudAway(`Tessera is unreachable: ${(error as Error).message}`);
    }
    if (response.status >= 500) throw new CloudAway(`Tessera answered ${response.status}`);
    const out: Record<string, string> = {};
    for (const name of ['content-type', 'etag', 'retry-after', 'location', 'cache-control']) {
      const value = response.headers.get(name);
      if (value) out[name] = value;
    }
    return { status: response.status, headers: out, body: await response.text() };
  }

  private async relayCall<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.forward(
      method,
      path,
      {
        authorization: `Bearer ${this.credential}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body === undefined ? undefined : JSON.stringify(body),
    );
    const json = answer.body ? JSON.parse(answer.body) : {};
    if (answer.status >= 400) {
      throw Object.assign(new Error(json.detail ?? `Tessera answered ${answer.status}`), {
        status: answer.status,
        code: json.code as string | undefined,
      });
    }
    return json as T;
  }

  hold(productCode: string, seats: number, inUse: number, cached: number) {
    return this.relayCall<GrantedAllotment>('PUT', `/relay/allotments/${productCode}`, {
      seats,
      inUse,
      cached,
    });
  }

  giveBack(productCode: string) {
    return this.relayCall<{ released: number }>('DELETE', `/relay/allotments/${productCode}`);
  }

  checkInstance(activationToken: string) {
    return this.relayCall<{
      activationId: string;
      licenseId: string;
      productCode: string;
      leaseSeconds: number;
    }>('POST', '/relay/instances', { activationToken });
  }
}
