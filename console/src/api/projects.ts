import { useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
import { call } from './problem.ts';

/** A customer's projects (those the signed-in person sees), shared by every page that lists them. */
export const customerProjectsKey = (customerId: string) =>
  ['customers', 'projects', customerId] as const;

export const useCustomerProjects = (customerId: string, options: { enabled?: boolean } = {}) =>
  useQuery({
    queryKey: customerProjectsKey(customerId),
    queryFn: () =>
      call(
        api().GET('/customers/{customerId}/projects', {
          params: { path: { customerId }, query: { limit: 100 } },
        }),
      ),
    ...(options.enabled === undefined ? {} : { enabled: options.enabled }),
  });
