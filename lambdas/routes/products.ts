import { pageOf } from '../domain/common.ts';
import {
  CreateProductInput,
  ProductListQuery,
  ProductPath,
  ProductView,
  UpdateProductInput,
} from '../domain/products.ts';
import { route } from './route.ts';

/** The `products` group's routes (see ./route.ts for what a route says). */
export const productsRoutes = [
  route({
    operationId: 'createProduct',
    location: (p) => `/products/${p.code}`,
    method: 'POST',
    path: '/products',
    group: 'products',
    auth: 'token',
    status: 201,
    summary: 'Create a product',
    schemas: { body: CreateProductInput, response: ProductView },
  }),
  route({
    operationId: 'listProducts',
    method: 'GET',
    path: '/products',
    group: 'products',
    auth: 'token',
    status: 200,
    summary: 'List products',
    schemas: { query: ProductListQuery, response: pageOf(ProductView) },
  }),
  route({
    operationId: 'getProduct',
    method: 'GET',
    path: '/products/{code}',
    group: 'products',
    auth: 'token',
    status: 200,
    summary: 'Get a product',
    schemas: { path: ProductPath, response: ProductView },
  }),
  route({
    operationId: 'updateProduct',
    conditional: true,
    method: 'PATCH',
    path: '/products/{code}',
    group: 'products',
    auth: 'token',
    status: 200,
    summary: 'Change a product',
    schemas: { path: ProductPath, body: UpdateProductInput, response: ProductView },
  }),
  route({
    operationId: 'deleteProduct',
    conditional: true,
    method: 'DELETE',
    path: '/products/{code}',
    group: 'products',
    auth: 'token',
    status: 204,
    summary: 'Delete a product without licenses',
    schemas: { path: ProductPath },
  }),
] as const;
