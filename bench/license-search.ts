import { randomBytes } from 'node:crypto';
import { createCustomer } from '../lambdas/domain/customers.ts';
import { IssueLicenseInput, issueLicense, listLicenses } from '../lambdas/domain/licenses.ts';
import type { Principal } from '../lambdas/domain/principal.ts';
import { CreateProductInput, createProduct } from '../lambdas/domain/products.ts';
import { unitsSince, withMeteredDomain } from './metered.ts';

const LICENSES = 10_000;
const SEARCHES = 200;
const PARALLEL = 8;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/**
 * What support staff's searches cost among 10,000 licenses on DynamoDB Local: wall time per
 * search (median and p99 of 200) and the capacity units each consumes.
 */
export const licenseSearch = async () => {
  await withMeteredDomain(async ({ calls, stores, admin }) => {
    await createProduct(
      stores.products,
      admin,
      CreateProductInput.parse({ code: 'AGENTS', name: 'Agents', seatModel: 'concurrent' }),
    );
    const customers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        createCustomer(stores.customers, admin, { name: `Customer ${i}` }),
      ),
    );
    const deps = {
      licenses: stores.licenses,
      products: stores.products,
      customers: stores.customers,
      randomBytes,
    };
    const serials: string[] = [];
    const emails: string[] = [];
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < LICENSES) {
        const i = next++;
        const customer = customers[i % customers.length];
        const email = `site-${i % 2_000}@customer.example`;
        const license = await issueLicense(
          deps,
          { ...admin, now: new Date() },
          IssueLicenseInput.parse({
            productCode: 'AGENTS',
            customerId: customer?.id,
            registeredEmail: email,
            companyName: 'Bench',
            seatLimit: 5,
            notify: false,
            ...(i % 3 === 0
              ? {
                  validTill: new Date(
                    Date.now() + (i % 365) * 86_400_000 + 3_600_000,
                  ).toISOString(),
                }
              : {}),
          }),
        );
        serials.push(license.serial);
        emails.push(email);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    console.log(`issued ${LICENSES} licenses in ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const vendor: Principal = { kind: 'token', tokenId: 'tok_bench', role: 'vendor-support' };
    const measure = async (label: string, query: () => Record<string, string>) => {
      const times: number[] = [];
      const from = calls.length;
      let found = 0;
      for (let i = 0; i < SEARCHES; i++) {
        const t0 = process.hrtime.bigint();
        const page = await listLicenses(
          stores.licenses,
          vendor,
          { limit: 25, ...query() },
          new Date(),
        );
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        found += page.items.length;
      }
      times.sort((a, b) => a - b);
      const { read } = unitsSince(calls, from);
      const requests = (calls.length - from) / SEARCHES;
      console.log(
        `${label.padEnd(36)} p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(times, 99).toFixed(1).padStart(6)} ms  ${(read / SEARCHES).toFixed(1).padStart(5)} RCU  ${requests.toFixed(1)} requests  ${(found / SEARCHES).toFixed(1)} found`,
      );
    };
    const any = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)] as T;
    console.log(`search (${SEARCHES} each, page of 25, seat figures included)`);
    await measure('exact serial', () => ({ q: any(serials) }));
    await measure('exact e-mail (5 licenses each)', () => ({ q: any(emails) }));
    await measure('one customer, ending within 30 days', () => ({
      customerId: any(customers).id,
      expiresBefore: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    }));
    await measure('vendor-wide, soonest end first', () => ({ sort: 'validTill' }));
  });
};
