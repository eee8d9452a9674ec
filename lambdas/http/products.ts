import {
  createProduct,
  deleteProduct,
  getProduct,
  listProducts,
  updateProduct,
} from '../domain/products.ts';
import { productsRoutes } from '../routes/products.ts';
import { guards } from './guards.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(
  productsRoutes,
  {
    createProduct: ({ input, runtime, change }) =>
      createProduct(runtime.stores.products, change, input.body),
    listProducts: ({ input, runtime, principal }) =>
      listProducts(runtime.stores.products, principal, input.query),
    getProduct: ({ input, runtime, principal }) =>
      getProduct(runtime.stores.products, principal, input.path.code),
    updateProduct: ({ input, runtime, change }) =>
      updateProduct(runtime.stores.products, change, input.path.code, input.body),
    deleteProduct: ({ input, runtime, change }) =>
      deleteProduct(runtime.stores.products, change, input.path.code),
  },
  { guards },
);
