import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { call } from '../../api/problem.ts';
import type { paths } from '../../api/schema.ts';
import type { Customer } from '../../api/types.ts';

type CustomerChange = NonNullable<
  paths['/customers/{customerId}']['patch']['requestBody']
>['content']['application/json'];

/** A change to the customer, sent with the version the page showed (412 if it moved on). */
export const useCustomerPatch = (customer: Customer) => {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: (body: CustomerChange) =>
      call(
        api().PATCH('/customers/{customerId}', {
          params: { path: { customerId: customer.id } },
          headers: { 'if-match': `"${customer.version}"` },
          body,
        }),
      ),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['customers'] }),
  });
};
