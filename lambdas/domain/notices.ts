/**
 * Notices: e-mails a license change owes its customer, queued in the change's own transaction
 * (a transactional outbox) and sent by the notifications job. Depends on nothing else in the
 * domain, so licenses and the upkeep jobs both use it without importing each other.
 */
export type NoticeKind = 'license-issued' | 'license-expired';

/** An e-mail to send once, written in the same transaction as the change it reports. */
export interface Notice {
  id: string;
  kind: NoticeKind;
  licenseId: string;
  createdAt: string;
  state: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
}

/**
 * A notice to queue in the transaction of the change it reports. Its id is derived from what it
 * reports (`<license>.issued`, `<license>.expired.<validTill>`), so the same notice is never
 * queued twice.
 */
export const newNotice = (
  kind: NoticeKind,
  licenseId: string,
  at: Date,
  validTill?: string,
): Notice => ({
  id: kind === 'license-issued' ? `${licenseId}.issued` : `${licenseId}.expired.${validTill}`,
  kind,
  licenseId,
  createdAt: at.toISOString(),
  state: 'pending',
  attempts: 0,
});
