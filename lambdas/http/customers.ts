import {
  createCustomer,
  deleteCustomer,
  getCustomer,
  listCustomers,
  updateCustomer,
} from '../domain/customers.ts';
import {
  createProject,
  deleteProject,
  getProject,
  listProjects,
  updateProject,
} from '../domain/projects.ts';
import { customersRoutes } from '../routes/customers.ts';
import { guards } from './guards.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(
  customersRoutes,
  {
    createCustomer: ({ input, runtime, change }) =>
      createCustomer(runtime.stores.customers, change, input.body),
    listCustomers: ({ input, runtime, principal }) =>
      listCustomers(runtime.stores.customers, principal, input.query),
    getCustomer: ({ input, runtime, principal }) =>
      getCustomer(runtime.stores.customers, principal, input.path.customerId),
    updateCustomer: ({ input, runtime, change }) =>
      updateCustomer(runtime.stores.customers, change, input.path.customerId, input.body),
    deleteCustomer: ({ input, runtime, change }) =>
      deleteCustomer(
        runtime.stores.customers,
        runtime.stores.projects.get,
        change,
        input.path.customerId,
      ),

    createProject: ({ input, runtime, change }) =>
      createProject(runtime.stores.projects, change, input.path.customerId, input.body),
    listProjects: ({ input, runtime, principal }) =>
      listProjects(runtime.stores.projects, principal, input.path.customerId, input.query),
    getProject: ({ input, runtime, principal }) => {
      const path = input.path;
      return getProject(runtime.stores.projects, principal, path.customerId, path.projectId);
    },
    updateProject: ({ input, runtime, change }) => {
      const path = input.path;
      return updateProject(
        runtime.stores.projects,
        change,
        path.customerId,
        path.projectId,
        input.body,
      );
    },
    deleteProject: ({ input, runtime, change }) => {
      const path = input.path;
      return deleteProject(runtime.stores.projects, change, path.customerId, path.projectId);
    },
  },
  { guards },
);
