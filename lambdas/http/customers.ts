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
import { customerStore } from '../store/customers.ts';
import { projectStore } from '../store/projects.ts';
import { guards } from './guards.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(
  customersRoutes,
  {
    createCustomer: ({ input, runtime, change }) =>
      createCustomer(runtime.store(customerStore), change, input.body),
    listCustomers: ({ input, runtime, principal }) =>
      listCustomers(runtime.store(customerStore), principal, input.query),
    getCustomer: ({ input, runtime, principal }) =>
      getCustomer(runtime.store(customerStore), principal, input.path.customerId),
    updateCustomer: ({ input, runtime, change }) =>
      updateCustomer(runtime.store(customerStore), change, input.path.customerId, input.body),
    deleteCustomer: ({ input, runtime, change }) =>
      deleteCustomer(
        runtime.store(customerStore),
        runtime.store(projectStore).get,
        change,
        input.path.customerId,
      ),

    createProject: ({ input, runtime, change }) =>
      createProject(runtime.store(projectStore), change, input.path.customerId, input.body),
    listProjects: ({ input, runtime, principal }) =>
      listProjects(runtime.store(projectStore), principal, input.path.customerId, input.query),
    getProject: ({ input, runtime, principal }) => {
      const path = input.path;
      return getProject(runtime.store(projectStore), principal, path.customerId, path.projectId);
    },
    updateProject: ({ input, runtime, change }) => {
      const path = input.path;
      return updateProject(
        runtime.store(projectStore),
        change,
        path.customerId,
        path.projectId,
        input.body,
      );
    },
    deleteProject: ({ input, runtime, change }) => {
      const path = input.path;
      return deleteProject(runtime.store(projectStore), change, path.customerId, path.projectId);
    },
  },
  { guards },
);
