import { jobHandler } from '../handler.ts';
import { seatReconciliation } from '../seat-jobs.ts';

export const handler = jobHandler('seat-reconciliation', seatReconciliation);
