/**
 * Notices: e-mails a license change owes its customer, queued in the change's own transaction
 * (a transactional outbox) and sent by the notifications job. Depends on nothing else in the
 * domain, so licenses and the upkeep jobs both use it without importing each other.
 */
export type NoticeKind = 'license-issued' | 'license-expired' | 'ticket-reply' | 'trial-declined';

/** An e-mail to send once, written in the same transaction as the change it reports. */
export type Notice = {
  id: string;
  createdAt: string;
  state: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
} & (
  | { kind: 'license-issued' | 'license-expired'; licenseId: string }
  /** An agent's reply on a ticket, for its requester. */
  | { kind: 'ticket-reply'; message: { ticketId: string; id: string; at: string } }
  /** A declined trial request, for the address its license would have gone to. */
  | { kind: 'trial-declined'; trial: TrialRef }
);

/** Which trial a notice reports: one per customer and product. */
export interface TrialRef {
  customerId: string;
  productCode: string;
}

/**
 * A notice to queue in the transaction of the change it reports. Its id is derived from what it
 * reports (`<license>.issued`, `<license>.expired.<validTill>`), so the same notice is never
 * queued twice.
 */
/** The e-mail an agent's reply owes the ticket's requester, queued with the reply itself. */
export const ticketReplyNotice = (
  message: { ticketId: string; id: string; at: string },
  at: Date,
): Notice => ({
  id: `${message.ticketId}.reply.${message.id}`,
  kind: 'ticket-reply',
  message: { ticketId: message.ticketId, id: message.id, at: message.at },
  createdAt: at.toISOString(),
  state: 'pending',
  attempts: 0,
});

/** The e-mail a declined trial owes its requester, queued with the decision itself. */
export const trialDeclinedNotice = (trial: TrialRef, at: Date): Notice => ({
  id: `${trial.customerId}.trial.${trial.productCode}.declined`,
  kind: 'trial-declined',
  trial: { customerId: trial.customerId, productCode: trial.productCode },
  createdAt: at.toISOString(),
  state: 'pending',
  attempts: 0,
});

export const newNotice = (
  kind: 'license-issued' | 'license-expired',
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
