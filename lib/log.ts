// The one structured logger (Powertools). Callers pass masked addresses only; codes and secrets never.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'codegate' });
