import { jobHandler } from '../handler.ts';
import { expirySweep } from '../upkeep-jobs.ts';

export const handler = jobHandler('expiry-sweep', expirySweep);
