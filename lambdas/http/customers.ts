import {
  CreateCustomerInput,
  CustomerListQuery,
  CustomerPath,
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  UpdateCustomerInput,
  updateCustomer,
} from '../domain/customers.ts';
import {
  CreateProjectInput,
  createProject,
  deleteProject,
  getProject,
  listProjects,
  ProjectListPath,
  ProjectListQuery,
  ProjectPath,
  UpdateProjectInput,
  updateProject,
} from '../domain/projects.ts';
import { httpHandler, parsed } from './handler.ts';

export const handler = httpHandler('customers', {
  createCustomer: ({ input, runtime, change }) =>
    createCustomer(runtime.stores.customers, change, parsed(CreateCustomerInput, input.body)),
  listCustomers: ({ input, runtime, principal }) =>
    listCustomers(runtime.stores.customers, principal, parsed(CustomerListQuery, input.query)),
  getCustomer: ({ input, runtime, principal }) =>
    getCustomer(runtime.stores.customers, principal, parsed(CustomerPath, input.path).customerId),
  updateCustomer: ({ input, runtime, change }) =>
    updateCustomer(
      runtime.stores.customers,
      change,
      parsed(CustomerPath, input.path).customerId,
      parsed(UpdateCustomerInput, input.body),
    ),
  deleteCustomer: ({ input, runtime, change }) =>
    deleteCustomer(
      runtime.stores.customers,
      runtime.stores.projects.get,
      change,
      parsed(CustomerPath, input.path).customerId,
    ),

  createProject: ({ input, runtime, change }) =>
    createProject(
      runtime.stores.projects,
      change,
      parsed(ProjectListPath, input.path).customerId,
      parsed(CreateProjectInput, input.body),
    ),
  listProjects: ({ input, runtime, principal }) =>
    listProjects(
      runtime.stores.projects,
      principal,
      parsed(ProjectListPath, input.path).customerId,
      parsed(ProjectListQuery, input.query),
    ),
  getProject: ({ input, runtime, principal }) => {
    const path = parsed(ProjectPath, input.path);
    return getProject(runtime.stores.projects, principal, path.customerId, path.projectId);
  },
  updateProject: ({ input, runtime, change }) => {
    const path = parsed(ProjectPath, input.path);
    return updateProject(
      runtime.stores.projects,
      change,
      path.customerId,
      path.projectId,
      parsed(UpdateProjectInput, input.body),
    );
  },
  deleteProject: ({ input, runtime, change }) => {
    const path = parsed(ProjectPath, input.path);
    return deleteProject(runtime.stores.projects, change, path.customerId, path.projectId);
  },
});
