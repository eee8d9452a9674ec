/**
 * The route table: the single source the CDK API stack, the local HTTP server, the handler
 * dispatch and the OpenAPI document all read. Paths use API Gateway's `{param}` syntax.
 * Pure data plus zod schemas: no AWS SDK imports, so CDK can load it at synth time.
 */
import type { z } from 'zod';
import {
  ActivatedView,
  ActivationListPath,
  ActivationListQuery,
  ActivationPath,
  ActivationView,
  FinishActivationInput,
  LicenseActivationPath,
  RefreshedView,
  StartActivationInput,
  StartedView,
  ValidateInput,
} from './domain/activations.ts';
import { AuditEventView, AuditQuery } from './domain/audit.ts';
import { pageOf } from './domain/common.ts';
import {
  CreateCustomerInput,
  CustomerListQuery,
  CustomerPath,
  CustomerView,
  UpdateCustomerInput,
} from './domain/customers.ts';
import {
  ImportLicenseInput,
  ImportPath,
  IssueLicenseInput,
  LicenseListQuery,
  LicensePath,
  LicenseView,
  UpdateLicenseInput,
} from './domain/licenses.ts';
import {
  CreateProductInput,
  ProductListQuery,
  ProductPath,
  ProductView,
  UpdateProductInput,
} from './domain/products.ts';
import {
  CreateProjectInput,
  ProjectListPath,
  ProjectListQuery,
  ProjectPath,
  ProjectView,
  UpdateProjectInput,
} from './domain/projects.ts';
import {
  CheckoutInput,
  HeartbeatView,
  LeaseView,
  ReleaseView,
  SeatSession,
} from './domain/seats.ts';
import {
  CreatedTokenSchema,
  CreateTokenInput,
  TokenListQuery,
  TokenPath,
  TokenViewSchema,
} from './domain/tokens.ts';
import { HealthView, JwksView, ReturnedView, ValidationView } from './http/meta-schemas.ts';

/** One Lambda function per group. `table` is the least access the group's function needs. */
export const groups = {
  meta: { description: 'Health and the OpenAPI document', table: 'none' },
  tokens: { description: 'API tokens', table: 'write' },
  products: { description: 'Product catalog', table: 'write' },
  customers: { description: 'Customers and their projects', table: 'write' },
  audit: { description: 'Audit trail', table: 'read' },
  licenses: {
    description: 'License registry: issue, change, suspend, revoke, import',
    table: 'write',
  },
  activation: { description: 'Instance activation step 1: e-mails one-time codes', table: 'write' },
  instance: {
    description: 'Activation step 2, refresh, return, JWKS: the only function that signs',
    table: 'write',
  },
  validate: { description: 'Instance license validation', table: 'read' },
  seats: { description: 'Concurrent seats: checkout, heartbeat, release', table: 'write' },
} as const satisfies Record<string, { description: string; table: 'none' | 'read' | 'write' }>;

export type RouteGroup = keyof typeof groups;
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
/**
 * `none`: open; `token`: an API token (Authorization: Bearer tsr_…); `activation`: an instance's
 * activation token (Authorization: Bearer tsa_…), checked by the operation itself.
 */
export type RouteAuth = 'none' | 'token' | 'activation';

export interface RouteSchemas {
  path?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
}

export interface Route {
  operationId: string;
  method: HttpMethod;
  path: string;
  group: RouteGroup;
  auth: RouteAuth;
  /** Unauthenticated instance-facing routes; WAF applies its strict rate limit to these. */
  instanceFacing?: boolean;
  summary: string;
  /** HTTP status of a successful answer. */
  status: 200 | 201 | 204;
  schemas: RouteSchemas;
}

const route = (r: Route): Route => r;

export const routes: readonly Route[] = [
  route({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    group: 'meta',
    auth: 'none',
    status: 200,
    summary: 'Liveness probe',
    schemas: { response: HealthView },
  }),
  route({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    group: 'meta',
    auth: 'none',
    status: 200,
    summary: 'This API as OpenAPI 3.1',
    schemas: {},
  }),

  route({
    operationId: 'createToken',
    method: 'POST',
    path: '/tokens',
    group: 'tokens',
    auth: 'token',
    status: 201,
    summary: 'Create an API token (the secret is shown once)',
    schemas: { body: CreateTokenInput, response: CreatedTokenSchema },
  }),
  route({
    operationId: 'listTokens',
    method: 'GET',
    path: '/tokens',
    group: 'tokens',
    auth: 'token',
    status: 200,
    summary: 'List API tokens',
    schemas: { query: TokenListQuery, response: pageOf(TokenViewSchema) },
  }),
  route({
    operationId: 'getToken',
    method: 'GET',
    path: '/tokens/{tokenId}',
    group: 'tokens',
    auth: 'token',
    status: 200,
    summary: 'Get an API token',
    schemas: { path: TokenPath, response: TokenViewSchema },
  }),
  route({
    operationId: 'revokeToken',
    method: 'DELETE',
    path: '/tokens/{tokenId}',
    group: 'tokens',
    auth: 'token',
    status: 200,
    summary: 'Revoke an API token',
    schemas: { path: TokenPath, response: TokenViewSchema },
  }),

  route({
    operationId: 'createProduct',
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
    method: 'DELETE',
    path: '/products/{code}',
    group: 'products',
    auth: 'token',
    status: 204,
    summary: 'Delete a product without licenses',
    schemas: { path: ProductPath },
  }),

  route({
    operationId: 'createCustomer',
    method: 'POST',
    path: '/customers',
    group: 'customers',
    auth: 'token',
    status: 201,
    summary: 'Create a customer (with its default project)',
    schemas: { body: CreateCustomerInput, response: CustomerView },
  }),
  route({
    operationId: 'listCustomers',
    method: 'GET',
    path: '/customers',
    group: 'customers',
    auth: 'token',
    status: 200,
    summary: 'List customers',
    schemas: { query: CustomerListQuery, response: pageOf(CustomerView) },
  }),
  route({
    operationId: 'getCustomer',
    method: 'GET',
    path: '/customers/{customerId}',
    group: 'customers',
    auth: 'token',
    status: 200,
    summary: 'Get a customer',
    schemas: { path: CustomerPath, response: CustomerView },
  }),
  route({
    operationId: 'updateCustomer',
    method: 'PATCH',
    path: '/customers/{customerId}',
    group: 'customers',
    auth: 'token',
    status: 200,
    summary: 'Change a customer',
    schemas: { path: CustomerPath, body: UpdateCustomerInput, response: CustomerView },
  }),
  route({
    operationId: 'deleteCustomer',
    method: 'DELETE',
    path: '/customers/{customerId}',
    group: 'customers',
    auth: 'token',
    status: 204,
    summary: 'Delete a customer that has nothing left',
    schemas: { path: CustomerPath },
  }),

  route({
    operationId: 'createProject',
    method: 'POST',
    path: '/customers/{customerId}/projects',
    group: 'customers',
    auth: 'token',
    status: 201,
    summary: 'Create a project',
    schemas: { path: ProjectListPath, body: CreateProjectInput, response: ProjectView },
  }),
  route({
    operationId: 'listProjects',
    method: 'GET',
    path: '/customers/{customerId}/projects',
    group: 'customers',
    auth: 'token',
    status: 200,
    summary: 'List a customer’s projects',
    schemas: { path: ProjectListPath, query: ProjectListQuery, response: pageOf(ProjectView) },
  }),
  route({
    operationId: 'getProject',
    method: 'GET',
    path: '/customers/{customerId}/projects/{projectId}',
    group: 'customers',
    auth: 'token',
    status: 200,
    summary: 'Get a project',
    schemas: { path: ProjectPath, response: ProjectView },
  }),
  route({
    operationId: 'updateProject',
    method: 'PATCH',
    path: '/customers/{customerId}/projects/{projectId}',
    group: 'customers',
    auth: 'token',
    status: 200,
    summary: 'Change a project',
    schemas: { path: ProjectPath, body: UpdateProjectInput, response: ProjectView },
  }),
  route({
    operationId: 'deleteProject',
    method: 'DELETE',
    path: '/customers/{customerId}/projects/{projectId}',
    group: 'customers',
    auth: 'token',
    status: 204,
    summary: 'Delete a project without licenses',
    schemas: { path: ProjectPath },
  }),

  route({
    operationId: 'listAuditEvents',
    method: 'GET',
    path: '/audit-events',
    group: 'audit',
    auth: 'token',
    status: 200,
    summary: 'List audit events, newest first',
    schemas: { query: AuditQuery, response: pageOf(AuditEventView) },
  }),

  route({
    operationId: 'issueLicense',
    method: 'POST',
    path: '/licenses',
    group: 'licenses',
    auth: 'token',
    status: 201,
    summary: 'Issue a license (key and serial are generated)',
    schemas: { body: IssueLicenseInput, response: LicenseView },
  }),
  route({
    operationId: 'listLicenses',
    method: 'GET',
    path: '/licenses',
    group: 'licenses',
    auth: 'token',
    status: 200,
    summary: 'List licenses with used/limit, days left and status',
    schemas: { query: LicenseListQuery, response: pageOf(LicenseView) },
  }),
  route({
    operationId: 'getLicense',
    method: 'GET',
    path: '/licenses/{licenseId}',
    group: 'licenses',
    auth: 'token',
    status: 200,
    summary: 'Get a license',
    schemas: { path: LicensePath, response: LicenseView },
  }),
  route({
    operationId: 'updateLicense',
    method: 'PATCH',
    path: '/licenses/{licenseId}',
    group: 'licenses',
    auth: 'token',
    status: 200,
    summary: 'Change a license: validity, limits, modules',
    schemas: { path: LicensePath, body: UpdateLicenseInput, response: LicenseView },
  }),
  route({
    operationId: 'suspendLicense',
    method: 'POST',
    path: '/licenses/{licenseId}/suspend',
    group: 'licenses',
    auth: 'token',
    status: 200,
    summary: 'Suspend a license (reversible)',
    schemas: { path: LicensePath, response: LicenseView },
  }),
  route({
    operationId: 'reinstateLicense',
    method: 'POST',
    path: '/licenses/{licenseId}/reinstate',
    group: 'licenses',
    auth: 'token',
    status: 200,
    summary: 'Reinstate a suspended license',
    schemas: { path: LicensePath, response: LicenseView },
  }),
  route({
    operationId: 'revokeLicense',
    method: 'POST',
    path: '/licenses/{licenseId}/revoke',
    group: 'licenses',
    auth: 'token',
    status: 200,
    summary: 'Revoke a license (final)',
    schemas: { path: LicensePath, response: LicenseView },
  }),
  route({
    operationId: 'importLicense',
    method: 'POST',
    path: '/customers/{customerId}/licenses/import',
    group: 'licenses',
    auth: 'token',
    status: 200,
    summary: "Attach an unassigned license to a customer's balance by its key",
    schemas: { path: ImportPath, body: ImportLicenseInput, response: LicenseView },
  }),

  route({
    operationId: 'listActivations',
    method: 'GET',
    path: '/licenses/{licenseId}/activations',
    group: 'licenses',
    auth: 'token',
    status: 200,
    summary: 'The instances activated on a license, newest first',
    schemas: {
      path: ActivationListPath,
      query: ActivationListQuery,
      response: pageOf(ActivationView),
    },
  }),
  route({
    operationId: 'deactivateInstance',
    method: 'DELETE',
    path: '/licenses/{licenseId}/activations/{activationId}',
    group: 'licenses',
    auth: 'token',
    status: 200,
    summary: 'Deactivate an instance; the slot goes back where the product allows',
    schemas: { path: LicenseActivationPath, response: ReturnedView },
  }),
  route({
    operationId: 'startActivation',
    method: 'POST',
    path: '/instance/activations',
    group: 'activation',
    auth: 'none',
    instanceFacing: true,
    status: 201,
    summary: 'Activation step 1: license key + fingerprint; a code goes to the registered e-mail',
    schemas: { body: StartActivationInput, response: StartedView },
  }),
  route({
    operationId: 'resendActivationCode',
    method: 'POST',
    path: '/instance/activations/{activationId}/resend',
    group: 'activation',
    auth: 'none',
    instanceFacing: true,
    status: 200,
    summary: 'Send a new code (the old one stops working); limited',
    schemas: { path: ActivationPath, response: StartedView },
  }),
  route({
    operationId: 'completeActivation',
    method: 'POST',
    path: '/instance/activations/{activationId}/complete',
    group: 'instance',
    auth: 'none',
    instanceFacing: true,
    status: 200,
    summary: 'Activation step 2: the code; answers the activation token and the license file',
    schemas: { path: ActivationPath, body: FinishActivationInput, response: ActivatedView },
  }),
  route({
    operationId: 'refreshLicenseFile',
    method: 'POST',
    path: '/instance/refresh',
    group: 'instance',
    auth: 'activation',
    instanceFacing: true,
    status: 200,
    summary: 'A fresh license file with the current terms',
    schemas: { response: RefreshedView },
  }),
  route({
    operationId: 'returnActivation',
    method: 'POST',
    path: '/instance/return',
    group: 'instance',
    auth: 'activation',
    instanceFacing: true,
    status: 200,
    summary: 'Deactivate this instance; the slot goes back where the product allows',
    schemas: { response: ReturnedView },
  }),
  route({
    operationId: 'validateLicense',
    method: 'POST',
    path: '/instance/validate',
    group: 'validate',
    auth: 'none',
    instanceFacing: true,
    status: 200,
    summary: 'Check a key (and fingerprint, module): { valid, code } in a documented precedence',
    schemas: { body: ValidateInput, response: ValidationView },
  }),
  route({
    operationId: 'checkoutSeat',
    method: 'POST',
    path: '/instance/seats/checkout',
    group: 'seats',
    auth: 'activation',
    instanceFacing: true,
    status: 200,
    summary: 'Take a concurrent seat for a user session (idempotent per session)',
    schemas: { body: CheckoutInput, response: LeaseView },
  }),
  route({
    operationId: 'heartbeatSeat',
    method: 'POST',
    path: '/instance/seats/heartbeat',
    group: 'seats',
    auth: 'activation',
    instanceFacing: true,
    status: 200,
    summary: 'Keep a seat; 410 LEASE_GONE once it was released or taken back',
    schemas: { body: SeatSession, response: HeartbeatView },
  }),
  route({
    operationId: 'releaseSeat',
    method: 'POST',
    path: '/instance/seats/release',
    group: 'seats',
    auth: 'activation',
    instanceFacing: true,
    status: 200,
    summary: 'Give a seat back (releasing twice is harmless)',
    schemas: { body: SeatSession, response: ReleaseView },
  }),
  route({
    operationId: 'getJwks',
    method: 'GET',
    path: '/.well-known/jwks.json',
    group: 'instance',
    auth: 'none',
    status: 200,
    summary: 'Public keys that verify license files (JWKS)',
    schemas: { response: JwksView },
  }),
];

export const routesOf = (group: RouteGroup): Route[] => routes.filter((r) => r.group === group);
