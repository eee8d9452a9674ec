import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One logger and one metrics object per process, shared by every handler of the function. Service
 * name and namespace come from POWERTOOLS_* variables set by CDK (and by the local runtime).
 * Tracing is Lambda's and API Gateway's own (active X-Ray tracing, set by CDK): the Powertools
 * Tracer added only a handler subsegment, for a third of every bundle (docs/adr/0010).
 */
export const logger = new Logger({ serviceName: 'tessera' });
export const metrics = new Metrics({ namespace: 'Tessera', serviceName: 'tessera' });
