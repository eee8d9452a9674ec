import { type AuditEvent, auditEvent, type ChangeContext } from './audit.ts';
import { applyPatch, IdOf, type Page, SearchQuery, Timestamp } from './common.ts';
import { DomainError, notFound } from './errors.ts';
import { assertCan, assertCustomerVisible, assertProjectVisible, projectScope } from './policy.ts';
import { assertMatches } from './preconditions.ts';
import type { Principal } from './principal.ts';
import * as z from './zod.ts';

export const DEFAULT_PROJECT_NAME = 'Default';

export const ProjectId = /* @__PURE__ */ z.lazy(() => IdOf('prj'));

export const CreateProjectInput = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(2000).optional(),
  }),
);
export type CreateProjectInput = z.infer<typeof CreateProjectInput>;

export const UpdateProjectInput = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject({
      name: z.string().trim().min(1).max(120).optional(),
      description: z.string().trim().max(2000).nullable().optional(),
    })
    .refine((input) => Object.keys(input).length > 0, 'Give at least one field to change'),
);
export type UpdateProjectInput = z.infer<typeof UpdateProjectInput>;

export const ProjectListPath = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    customerId: IdOf('cus'),
  }),
);
export const ProjectPath = /* @__PURE__ */ z.lazy(() =>
  ProjectListPath.unwrap().extend({ projectId: ProjectId }),
);
export const ProjectListQuery = SearchQuery;

export interface Project {
  id: string;
  customerId: string;
  name: string;
  description?: string;
  isDefault: boolean;
  /** Licenses held in this project's balance; a project with licenses cannot be deleted. */
  licenseCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const ProjectView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    id: ProjectId,
    customerId: z.string(),
    name: z.string(),
    description: z.string().optional(),
    isDefault: z.boolean(),
    licenseCount: z.number().int(),
    version: z.number().int(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  }),
);

export interface ProjectStore {
  /** Writes the project and raises the customer's project count, only if the customer exists. */
  create(project: Project, event: AuditEvent): Promise<void>;
  get(customerId: string, projectId: string): Promise<Project | undefined>;
  list(
    customerId: string,
    query: { limit: number; cursor?: string; q?: string; idIn?: readonly string[] },
  ): Promise<Page<Project>>;
  replace(before: Project, after: Project, event: AuditEvent): Promise<void>;
  /** Deletes the project and lowers the customer's project count, only while it has no licenses. */
  remove(project: Project, event: AuditEvent): Promise<void>;
  customerExists(customerId: string): Promise<boolean>;
}

export const newProject = (
  ctx: ChangeContext,
  customerId: string,
  input: CreateProjectInput,
  isDefault: boolean,
): Project => {
  const at = ctx.now.toISOString();
  return {
    id: ctx.ids.next('prj'),
    customerId,
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    isDefault,
    licenseCount: 0,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
};

const ref = (p: Project) => ({ type: 'project' as const, id: p.id, customerId: p.customerId });

const assertCustomer = async (store: ProjectStore, principal: Principal, customerId: string) => {
  assertCustomerVisible(principal, customerId);
  if (!(await store.customerExists(customerId))) throw notFound('Customer');
};

export const createProject = async (
  store: ProjectStore,
  ctx: ChangeContext,
  customerId: string,
  input: CreateProjectInput,
): Promise<Project> => {
  assertCustomerVisible(ctx.principal, customerId);
  assertCan(ctx.principal, 'project:write');
  const project = newProject(ctx, customerId, input, false);
  await store.create(project, auditEvent(ctx, 'project.created', ref(project), null, project));
  return project;
};

export const getProject = async (
  store: ProjectStore,
  principal: Principal,
  customerId: string,
  projectId: string,
): Promise<Project> => {
  assertCustomerVisible(principal, customerId);
  assertCan(principal, 'project:read');
  assertProjectVisible(principal, projectId, 'Project');
  const project = await store.get(customerId, projectId);
  if (!project) throw notFound('Project');
  return project;
};

export const listProjects = async (
  store: ProjectStore,
  principal: Principal,
  customerId: string,
  query: z.infer<typeof ProjectListQuery>,
): Promise<Page<Project>> => {
  assertCan(principal, 'project:read');
  await assertCustomer(store, principal, customerId);
  const projects = projectScope(principal);
  return store.list(customerId, { ...query, ...(projects ? { idIn: projects } : {}) });
};

export const updateProject = async (
  store: ProjectStore,
  ctx: ChangeContext,
  customerId: string,
  projectId: string,
  input: UpdateProjectInput,
): Promise<Project> => {
  const before = await getProject(store, ctx.principal, customerId, projectId);
  assertCan(ctx.principal, 'project:write');
  assertMatches(ctx, before.version);
  const after = applyPatch(
    { ...before, version: before.version + 1, updatedAt: ctx.now.toISOString() },
    input,
  );
  await store.replace(before, after, auditEvent(ctx, 'project.updated', ref(after), before, after));
  return after;
};

export const deleteProject = async (
  store: ProjectStore,
  ctx: ChangeContext,
  customerId: string,
  projectId: string,
): Promise<void> => {
  const before = await getProject(store, ctx.principal, customerId, projectId);
  assertCan(ctx.principal, 'project:write');
  assertMatches(ctx, before.version);
  if (before.isDefault) {
    throw new DomainError('HAS_DEPENDENTS', 'The default project goes only with its customer.');
  }
  if (before.licenseCount > 0) {
    throw new DomainError('HAS_DEPENDENTS', 'Move or revoke this project’s licenses first.', {
      licenseCount: before.licenseCount,
    });
  }
  await store.remove(before, auditEvent(ctx, 'project.deleted', ref(before), before, null));
};
