import type { Activation } from './activations.ts';
import { DomainError } from './errors.ts';
import type { License } from './licenses.ts';
import type { Product } from './products.ts';
import { DEFAULT_LEASE_SECONDS, poolOf } from './seats.ts';

/**
 * The seat rules an activated instance meets before any seat call: its license and product
 * must still exist (else `NO_ENTITLEMENT`), and it draws from its license's project's pool.
 */
export interface InstanceSeatDeps {
  licenses: { get(licenseId: string): Promise<License | undefined> };
  products: { get(code: string): Promise<Product | undefined> };
}

export const instanceSeats = async (deps: InstanceSeatDeps, activation: Activation) => {
  const license = await deps.licenses.get(activation.licenseId);
  if (!license) throw new DomainError('NO_ENTITLEMENT', 'The license of this activation is gone.');
  const product = await deps.products.get(license.productCode);
  if (!product) throw new DomainError('NO_ENTITLEMENT', 'The product of this license is gone.');
  return {
    activation,
    license,
    product,
    pool: poolOf(license),
    leaseSeconds: product.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
  };
};

/**
 * Where an instance's seats are counted: its license's pool, copied on the activation, so a seat
 * call reads no license. Activations from before that copy read the license once.
 */
export const seatPlaceOf = async (
  deps: Pick<InstanceSeatDeps, 'licenses'>,
  activation: Activation,
): Promise<{ projectId: string; productCode: string; licenseId: string }> => {
  if (activation.projectId && activation.productCode) {
    const { projectId, productCode, licenseId } = activation as Required<Activation>;
    return { projectId, productCode, licenseId };
  }
  const license = await deps.licenses.get(activation.licenseId);
  if (!license) throw new DomainError('NO_ENTITLEMENT', 'The license of this activation is gone.');
  return { ...poolOf(license), licenseId: license.id };
};

/** The product behind a seat call; a product that is gone leaves no entitlement. */
export const seatProduct = (product: Product | undefined): Product => {
  if (!product) throw new DomainError('NO_ENTITLEMENT', 'The product of this license is gone.');
  return product;
};

/** Concurrent checkouts only for products that count users signed in now. */
export const requireConcurrent = (product: Pick<Product, 'seatModel'>) => {
  if (product.seatModel !== 'concurrent') {
    throw new DomainError(
      'WRONG_SEAT_MODEL',
      `This product counts ${product.seatModel} seats, not concurrent ones.`,
      { seatModel: product.seatModel },
    );
  }
};
