import { jobHandler } from '../handler.ts';
import { activationCleanup } from '../upkeep-jobs.ts';

export const handler = jobHandler('activation-cleanup', activationCleanup);
