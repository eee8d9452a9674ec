import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One logger, metrics and tracer per process, shared by every handler of the function. Service
 * name and namespace come from POWERTOOLS_* variables set by CDK (and by the local runtime).
 */
export const logger = new Logger({ serviceName: 'tessera' });
export const metrics = new Metrics({ namespace: 'Tessera', serviceName: 'tessera' });
export const tracer = new Tracer({ serviceName: 'tessera' });
