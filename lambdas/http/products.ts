import {
  CreateProductInput,
  createProduct,
  deleteProduct,
  getProduct,
  listProducts,
  ProductListQuery,
  ProductPath,
  UpdateProductInput,
  updateProduct,
} from '../domain/products.ts';
import { httpHandler, parsed } from './handler.ts';

export const handler = httpHandler('products', {
  createProduct: ({ input, runtime, change }) =>
    createProduct(runtime.stores.products, change, parsed(CreateProductInput, input.body)),
  listProducts: ({ input, runtime, principal }) =>
    listProducts(runtime.stores.products, principal, parsed(ProductListQuery, input.query)),
  getProduct: ({ input, runtime, principal }) =>
    getProduct(runtime.stores.products, principal, parsed(ProductPath, input.path).code),
  updateProduct: ({ input, runtime, change }) =>
    updateProduct(
      runtime.stores.products,
      change,
      parsed(ProductPath, input.path).code,
      parsed(UpdateProductInput, input.body),
    ),
  deleteProduct: ({ input, runtime, change }) =>
    deleteProduct(runtime.stores.products, change, parsed(ProductPath, input.path).code),
});
