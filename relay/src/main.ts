#!/usr/bin/env node
import { SiteRelay } from './relay.ts';

/**
 * `npm run relay` (or `tessera-relay`): starts the on-site relay from environment variables.
 * `npm run relay -- status` prints a running relay's status (docs/relay.md).
 *
 *   TESSERA_URL               Tessera's API, e.g. https://api.example.com/v1
 *   TESSERA_RELAY_CREDENTIAL  the relay credential (tsy_…) made in the portal for this project
 *   RELAY_SEATS               seats to hold per product, e.g. AGENTS=10,CHAT=2
 *   RELAY_PORT                default 8788; RELAY_HOST default 127.0.0.1 (0.0.0.0 for the LAN)
 *   RELAY_STATE_DIR           default ./relay-state (kept across restarts; mode 0700)
 */
const env = process.env;

const fail = (message: string): never => {
  console.error(`tessera-relay: ${message}`);
  process.exit(2);
};

const seatsFrom = (text: string) => {
  const seats: Record<string, number> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [code, count] = part.split('=');
    const n = Number(count);
    if (!code || !/^[A-Z][A-Z0-9_]{1,39}$/.test(code) || !Number.isInteger(n) || n < 0) {
      fail(`RELAY_SEATS: "${part}" is not PRODUCT=seats`);
    }
    seats[code as string] = n;
  }
  return seats;
};

if (process.argv[2] === 'status') {
  const url = `http://${env.RELAY_HOST ?? '127.0.0.1'}:${env.RELAY_PORT ?? '8788'}/relay/status`;
  const status = await fetch(url)
    .then((r) => r.json())
    .catch(() => fail(`no relay answers at ${url}`));
  console.log(JSON.stringify(status, null, 2));
  process.exit(0);
}

const cloudUrl = env.TESSERA_URL || fail('set TESSERA_URL');
const credential = env.TESSERA_RELAY_CREDENTIAL || fail('set TESSERA_RELAY_CREDENTIAL');
if (!/^tsy_/.test(credential)) fail('TESSERA_RELAY_CREDENTIAL is not a relay credential (tsy_…)');
const relay = new SiteRelay({
  cloudUrl: cloudUrl.replace(/\/+$/, ''),
  credential,
  seats: seatsFrom(env.RELAY_SEATS ?? ''),
  stateDir: env.RELAY_STATE_DIR ?? 'relay-state',
  port: Number(env.RELAY_PORT ?? 8788),
  host: env.RELAY_HOST ?? '127.0.0.1',
});
const url = await relay.start();
console.log(`Tessera relay on ${url} for ${cloudUrl}; status: ${url}/relay/status`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void relay.stop().then(() => process.exit(0));
  });
}
