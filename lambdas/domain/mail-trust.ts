/**
 * When a received mail's From line is believed (lambdas/domain/mail-intake.ts), a stage's choice
 * (`supportSenderTrust`, docs/support.md):
 * - `dmarc-not-failed` (the default): unless the DMARC check failed. Mail from a domain that
 *   publishes no DMARC policy (`GRAY`) is believed, so its From line could be forged.
 * - `dmarc-pass`: only when the DMARC check passed. Mail from domains without DMARC then waits
 *   for triage, and replies from them open a new ticket instead of joining the thread.
 */
export const senderTrusts = ['dmarc-not-failed', 'dmarc-pass'] as const;
export type SenderTrust = (typeof senderTrusts)[number];
