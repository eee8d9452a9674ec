import {
  createProduct,
  deleteProduct,
  getProduct,
  listProducts,
  updateProduct,
} from '../domain/products.ts';
import { productsRoutes } from '../routes/products.ts';
import { productStore } from '../store/products.ts';
import { guards } from './guards.ts';
import { httpHandler } from './handler.ts';

export const handler = httpHandler(
  productsRoutes,
  {
    createProduct: ({ input, runtime, change }) =>
      createProduct(runtime.store(productStore), change, input.body),
    listProducts: ({ input, runtime, principal }) =>
      listProducts(runtime.store(productStore), principal, input.query),
    getProduct: ({ input, runtime, principal }) =>
      getProduct(runtime.store(productStore), principal, input.path.code),
    updateProduct: ({ input, runtime, change }) =>
      updateProduct(runtime.store(productStore), change, input.path.code, input.body),
    deleteProduct: ({ input, runtime, change }) =>
      deleteProduct(runtime.store(productStore), change, input.path.code),
  },
  { guards },
);
