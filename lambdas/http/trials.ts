import { randomBytes } from 'node:crypto';
import {
  approveTrial,
  declineTrial,
  getTrial,
  listCustomerTrials,
  listTrialQueue,
  requestTrial,
} from '../domain/trials.ts';
import { trialsRoutes } from '../routes/trials.ts';
import { customerStore } from '../store/customers.ts';
import { licenseStore } from '../store/licenses.ts';
import { peopleStore } from '../store/people.ts';
import { productStore } from '../store/products.ts';
import { projectStore } from '../store/projects.ts';
import { trialStore } from '../store/trials.ts';
import { guards } from './guards.ts';
import { httpHandler, type OperationRequest } from './handler.ts';

const deps = ({ runtime }: OperationRequest) => ({
  trials: runtime.store(trialStore),
  licenses: runtime.store(licenseStore),
  products: runtime.store(productStore),
  customers: runtime.store(customerStore),
  projects: runtime.store(projectStore),
  people: runtime.store(peopleStore),
  randomBytes,
});

export const handler = httpHandler(
  trialsRoutes,
  {
    requestTrial: (r) => requestTrial(deps(r), r.change, r.input.path.customerId, r.input.body),
    listCustomerTrials: (r) =>
      listCustomerTrials(deps(r), r.change, r.input.path.customerId, r.input.query),
    getTrial: (r) => getTrial(deps(r), r.change, r.input.path.customerId, r.input.path.productCode),
    approveTrial: (r) =>
      approveTrial(deps(r), r.change, r.input.path.customerId, r.input.path.productCode),
    declineTrial: (r) =>
      declineTrial(
        deps(r),
        r.change,
        r.input.path.customerId,
        r.input.path.productCode,
        r.input.body,
      ),
    listTrialQueue: (r) => listTrialQueue(deps(r), r.change, r.input.query),
  },
  { guards },
);
