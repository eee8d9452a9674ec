import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiteRelay } from '../../relay/src/relay.ts';
import { TesseraClient } from '../../sdk/src/client.ts';
import { verifyLicenseFile } from '../../sdk/src/verify.ts';
import { codeFromOutbox } from '../support/outbox.ts';
import { useLocalPlatform } from '../support/platform.ts';

// Allotments live 20 s here (an hour by default), so expiry can be seen in a test.
process.env.RELAY_ALLOTMENT_SECONDS = '20';

/**
 * The on-site relay against the local runtime, as separate processes: seats served from its
 * allotment, the limit exact across the cloud and two relays, kill -9 in a checkout storm, the
 * cloud away, and an allotment that runs out while seats are held (docs/relay.md).
 */
const local = useLocalPlatform();
let admin: string;
let folder: string;
let customerId: string;
let projectId: string;
const relays: ChildProcess[] = [];

type Answer = { status: number; json: Record<string, unknown> };
const call = async (base: string, method: string, path: string, token: string, body?: unknown) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} } as Answer;
};
const cloud = (method: string, path: string, token: string, body?: unknown) =>
  call(local().url, method, path, token, body);

const startRelay = async (
  cloudUrl: string,
  credential: string,
  seats: string,
  stateDir: string,
) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/src/main.ts'], {
    env: {
      ...process.env,
      TESSERA_URL: cloudUrl,
      TESSERA_RELAY_CREDENTIAL: credential,
      RELAY_SEATS: seats,
      RELAY_PORT: '0',
      RELAY_STATE_DIR: stateDir,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  relays.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /relay on (http:\/\/[0-9.:]+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`relay exited ${code}: ${out}`)));
  });
  return { url, child };
};

const statusOf = async (url: string) =>
  (await fetch(`${url}/relay/status`).then((r) => r.json())) as {
    allotments: { productCode: string; seats: number; inUse: number }[];
    leases: number;
    waiting: { call: string }[];
    lastContactAt: string | null;
  };

const until = async (check: () => Promise<boolean>, what: string, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const seatsHeld = async (url: string) =>
  (await statusOf(url)).allotments.find((a) => a.productCode === 'AGENTS')?.seats ?? 0;

/** A customer of its own (so a pool of its own), one license, one activated instance. */
const newPool = async (seatLimit: number) => {
  const customer = await cloud('POST', '/customers', admin, { name: `Site ${seatLimit}` });
  customerId = String(customer.json.id);
  projectId = String(customer.json.defaultProjectId);
  const license = await cloud('POST', '/licenses', admin, {
    productCode: 'AGENTS',
    customerId,
    registeredEmail: 'it@site.example',
    companyName: 'Site Co',
    seatLimit,
    notify: false,
  });
  const instance = new TesseraClient({ baseUrl: local().url });
  const started = await instance.startActivation({
    key: String(license.json.key),
    fingerprint: `relay-host-${license.json.serial}`,
  });
  const done = await instance.completeActivation(
    started.activationId,
    await codeFromOutbox(local().outboxDir),
  );
  return { licenseId: String(license.json.id), token: done.activationToken };
};

const relayFor = async (name: string) => {
  const made = await cloud('POST', `/customers/${customerId}/projects/${projectId}/relays`, admin, {
    name,
  });
  expect(made.status).toBe(201);
  return {
    id: (made.json.relay as { id: string }).id,
    credential: String(made.json.credential),
  };
};

const used = async () => {
  const pools = await cloud('GET', `/customers/${customerId}/pools`, admin);
  const pool = (pools.json.items as { productCode: string; used: number }[]).find(
    (p) => p.productCode === 'AGENTS',
  );
  return pool?.used ?? 0;
};

beforeAll(async () => {
  admin = local().adminToken as string;
  folder = await mkdtemp(join(tmpdir(), 'tessera-relay-'));
  await cloud('POST', '/products', admin, {
    code: 'AGENTS',
    name: 'Agents',
    seatModel: 'concurrent',
  });
});

afterAll(async () => {
  for (const child of relays) child.kill('SIGKILL');
  await rm(folder, { recursive: true, force: true });
});

const seatCall = (base: string, token: string, kind: string, sessionId: string) =>
  call(base, 'POST', `/instance/seats/${kind}`, token, {
    sessionId,
    ...(kind === 'checkout' ? { userId: `u-${sessionId}` } : {}),
  });

describe('the on-site relay', () => {
  it('never exceeds the limit across the cloud and two relays; relay leases stay within their allotments', async () => {
    const { token } = await newPool(12);
    const [a, b] = [await relayFor('Plant A'), await relayFor('Plant B')];
    const relayA = await startRelay(local().url, a.credential, 'AGENTS=5', join(folder, 'a'));
    const relayB = await startRelay(local().url, b.credential, 'AGENTS=5', join(folder, 'b'));
    await until(async () => (await seatsHeld(relayA.url)) === 5, 'relay A to hold 5');
    await until(async () => (await seatsHeld(relayB.url)) === 5, 'relay B to hold 5');

    const answers = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) =>
        seatCall(local().url, token, 'checkout', `cloud-${i}`),
      ),
      ...Array.from({ length: 8 }, (_, i) => seatCall(relayA.url, token, 'checkout', `a-${i}`)),
      ...Array.from({ length: 8 }, (_, i) => seatCall(relayB.url, token, 'checkout', `b-${i}`)),
    ]);
    const granted = (from: number, to: number) =>
      answers.slice(from, to).filter((x) => x.status === 200).length;
    expect(answers.every((x) => x.status === 200 || x.json.code === 'POOL_FULL')).toBe(true);
    expect(granted(0, 10)).toBe(2);
    expect(granted(10, 18)).toBe(5);
    expect(granted(18, 26)).toBe(5);
    expect(await used()).toBe(12);
    const listed = await cloud(
      'GET',
      `/customers/${customerId}/projects/${projectId}/pools/AGENTS/allotments`,
      admin,
    );
    expect((listed.json.items as { seats: number }[]).map((x) => x.seats).sort()).toEqual([5, 5]);
    // The vendor's staff see both relays on the listing of every customer's relays.
    const everywhere = await cloud('GET', '/relays?limit=100', admin);
    const held = (everywhere.json.items as { id: string; allotments: { seats: number }[] }[])
      .filter((r) => r.id === a.id || r.id === b.id)
      .map((r) => r.allotments.reduce((n, x) => n + x.seats, 0));
    expect(held).toEqual([5, 5]);

    // A retried checkout is the same seat; a release frees one for the next checkout.
    expect((await seatCall(relayA.url, token, 'checkout', 'a-0')).status).not.toBe(500);
    const releasedOne = answers.slice(10, 18).findIndex((x) => x.status === 200);
    expect((await seatCall(relayA.url, token, 'release', `a-${releasedOne}`)).json).toEqual({
      released: true,
    });
    expect((await seatCall(relayA.url, token, 'checkout', 'a-new')).status).toBe(200);
    relayA.child.kill('SIGTERM');
    relayB.child.kill('SIGTERM');
  });

  it('lets an instance activate, verify, validate and fetch its file through the relay, changing nothing else', async () => {
    await newPool(3);
    const license = await cloud('POST', '/licenses', admin, {
      productCode: 'AGENTS',
      customerId,
      registeredEmail: 'it@site.example',
      companyName: 'Site Co',
      seatLimit: 2,
      notify: false,
    });
    const e = await relayFor('Plant E');
    const relay = await startRelay(local().url, e.credential, 'AGENTS=2', join(folder, 'e'));
    const instance = new TesseraClient({ baseUrl: relay.url });
    const started = await instance.startActivation({
      key: String(license.json.key),
      fingerprint: 'relay-only-host',
    });
    const done = await instance.completeActivation(
      started.activationId,
      await codeFromOutbox(local().outboxDir),
    );
    const jwks = await fetch(`${relay.url}/.well-known/jwks.json`).then((r) => r.json());
    expect(
      verifyLicenseFile(done.licenseFile, jwks, { fingerprint: 'relay-only-host' }),
    ).toMatchObject({
      valid: true,
    });
    expect(
      await instance.validate({ key: String(license.json.key), fingerprint: 'relay-only-host' }),
    ).toMatchObject({ valid: true });
    const file = await instance.downloadLicenseFile();
    expect((await instance.downloadLicenseFile(file.etag)).notModified).toBe(true);
    await until(async () => (await seatsHeld(relay.url)) === 2, 'relay E to hold 2');
    const seat = await instance.checkout({ userId: 'agent-1' });
    expect((await instance.release(seat.sessionId)).released).toBe(true);
    relay.child.kill('SIGTERM');
  });

  it('stops serving an instance whose activation ended in the cloud, at its next check', async () => {
    const { token, licenseId } = await newPool(3);
    const f = await relayFor('Plant F');
    let now = Date.now();
    const relay = new SiteRelay({
      cloudUrl: local().url,
      credential: f.credential,
      seats: { AGENTS: 2 },
      stateDir: join(folder, 'f'),
      port: 0,
      clock: () => new Date(now),
    });
    const url = await relay.start();
    try {
      await relay.renew('AGENTS');
      expect((await seatCall(url, token, 'checkout', 'f-1')).status).toBe(200);
      const activations = await cloud('GET', `/licenses/${licenseId}/activations`, admin);
      const [activation] = activations.json.items as { id: string }[];
      expect(
        (await cloud('DELETE', `/licenses/${licenseId}/activations/${activation?.id}`, admin))
          .status,
      ).toBe(200);
      // Within the recheck interval the relay answers from what it knows; after it, it asks.
      expect((await seatCall(url, token, 'release', 'f-1')).status).toBe(200);
      now += 16 * 60 * 1000;
      const refused = await seatCall(url, token, 'checkout', 'f-2');
      expect([refused.status, refused.json.code]).toEqual([401, 'UNAUTHENTICATED']);
    } finally {
      await relay.stop();
    }
  });

  it('loses no acknowledged lease to kill -9 in a checkout storm, and resumes from its state', async () => {
    const { token } = await newPool(6);
    const c = await relayFor('Plant C');
    const stateDir = join(folder, 'c');
    const first = await startRelay(local().url, c.credential, 'AGENTS=6', stateDir);
    await until(async () => (await seatsHeld(first.url)) === 6, 'relay C to hold 6');
    // Killed once the second checkout is acknowledged: the rest are in flight or not yet sent.
    let acknowledgedSoFar = 0;
    const storm = Array.from({ length: 40 }, (_, i) =>
      seatCall(first.url, token, 'checkout', `storm-${i}`)
        .then((x) => {
          if (x.status === 200 && ++acknowledgedSoFar === 2) first.child.kill('SIGKILL');
          return x;
        })
        .catch(() => ({ status: 0, json: {} })),
    );
    const answered = await Promise.all(storm);
    const acknowledged = answered
      .map((x, i) => (x.status === 200 ? `storm-${i}` : undefined))
      .filter((x): x is string => x !== undefined);
    expect(acknowledged.length).toBeGreaterThanOrEqual(2);
    expect(answered.some((x) => x.status === 0)).toBe(true);

    const again = await startRelay(local().url, c.credential, 'AGENTS=6', stateDir);
    const status = await statusOf(again.url);
    expect(status.leases).toBeGreaterThanOrEqual(acknowledged.length);
    expect(status.leases).toBeLessThanOrEqual(6);
    for (const sessionId of acknowledged) {
      expect((await seatCall(again.url, token, 'heartbeat', sessionId)).status).toBe(200);
    }
    again.child.kill('SIGTERM');
  });

  it('serves seats and cached files while the cloud is away, and ends them when its allotment runs out', async () => {
    const { token } = await newPool(4);
    const d = await relayFor('Plant D');
    const gate = await tcpGate(new URL(local().url).port);
    const relay = await startRelay(gate.url, d.credential, 'AGENTS=3', join(folder, 'd'));
    await until(async () => (await seatsHeld(relay.url)) === 3, 'relay D to hold 3');
    const viaRelay = new TesseraClient({ baseUrl: relay.url, activationToken: token });
    const file = await viaRelay.refresh();
    expect((await seatCall(relay.url, token, 'checkout', 'away-1')).status).toBe(200);

    gate.close(); // the cloud is away
    expect((await seatCall(relay.url, token, 'checkout', 'away-2')).status).toBe(200);
    expect((await viaRelay.refresh()).licenseFile).toBe(file.licenseFile);
    await until(
      async () => (await statusOf(relay.url)).waiting.some((w) => w.call === 'renew AGENTS'),
      'a renewal waiting for the cloud',
    );

    // The allotment runs out (20 s from its last renewal): its seats are the cloud's again.
    await until(
      async () => (await seatCall(relay.url, token, 'heartbeat', 'away-1')).status === 410,
      'the lease to end with the allotment',
      30_000,
    );
    expect((await seatCall(relay.url, token, 'checkout', 'away-3')).json.code).toBe('POOL_FULL');
    await until(async () => {
      await local().runJob('seat-reaper');
      return (await used()) === 0;
    }, 'the cloud to take the seats back');
    relay.child.kill('SIGKILL');
  }, 60_000);
});

/** A TCP forwarder to the local cloud that the test can cut, as a broken uplink would. */
const tcpGate = async (port: string) => {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const upstream = connect(Number(port), '127.0.0.1');
    sockets.add(socket).add(upstream);
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
};
