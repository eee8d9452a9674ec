import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  Cors,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { problemType } from '../lambdas/http/problem-type.ts';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS } from '../lambdas/middleware/cors.ts';
import { groups, openRouteGroups, type RouteGroup, routes } from '../lambdas/routes.ts';
import { API_STAGE, assertInstanceRoutesUnderPrefix } from './api-paths.ts';
import type { StageConfig } from './config.ts';
import { ConsoleHosting } from './console.ts';
import { bindIdentity, TesseraFunction } from './constructs/tessera-function.ts';
import { filesBucketName } from './data-stack.ts';
import { Identity } from './identity.ts';
import { Mail } from './mail.ts';
import { SupportMail } from './support-mail.ts';
import { ApiFirewall } from './waf.ts';

export interface ApiStackProps extends StackProps {
  stage: StageConfig;
  table: ITable;
  /** The KMS key that signs license files now (the data stack's active signing key). */
  signingKey: IKey;
}

/**
 * DESIGN.md: only the functions that sign may call kms:Sign, only mailers may send e-mail. The
 * instance function signs license files; the relay function signs seat allotments (ADR 0023).
 */
export const SIGNING_GROUPS: readonly RouteGroup[] = ['instance', 'relay'];
/** The functions that send e-mail: activation codes, and invitations. */
export const MAIL_GROUPS: readonly RouteGroup[] = ['activation', 'people'];
/** The one function that administers people's accounts in the user pool. */
export const PEOPLE_GROUP = 'people' satisfies RouteGroup;

export { API_STAGE };

/** What API Gateway answers by itself, as problem documents with Tessera's stable codes. */
const gatewayProblems = [
  { type: ResponseType.THROTTLED, status: '429', code: 'RATE_LIMITED', title: 'Too Many Requests' },
  { type: ResponseType.WAF_FILTERED, status: '403', code: 'REQUEST_BLOCKED', title: 'Forbidden' },
  // REST APIs answer an unknown path with 403 "Missing Authentication Token"; it is a 404.
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: '404',
    code: 'ROUTE_NOT_FOUND',
    title: 'Not Found',
  },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    status: '413',
    code: 'PAYLOAD_TOO_LARGE',
    title: 'Content Too Large',
  },
  { type: ResponseType.DEFAULT_4XX, status: undefined, code: 'BAD_REQUEST', title: 'Bad Request' },
  {
    type: ResponseType.DEFAULT_5XX,
    status: undefined,
    code: 'INTERNAL',
    title: 'Internal Server Error',
  },
] as const;

/**
 * CORS on API Gateway's own answers (throttling, unknown route, too large, WAF), so a browser can
 * read why it was refused. Gateway responses cannot check an allow-list: one allowed origin is
 * named as is; with several, the caller's origin is echoed, which is safe because these answers
 * are generic problem documents carrying no data and no credentials are allowed.
 */
const gatewayCors = (origins: readonly string[]): Record<string, string> => {
  if (origins.length === 0) return {};
  return {
    'Access-Control-Allow-Origin':
      origins.length === 1 ? `'${origins[0]}'` : 'method.request.header.Origin',
    'Access-Control-Expose-Headers': `'${CORS_EXPOSED_HEADERS.join(',')}'`,
    Vary: "'Origin'",
  };
};

/** `status` is known for the typed responses; the DEFAULT_* ones cover several statuses. */
export const problemTemplate = (code: string, title: string, status?: string) =>
  JSON.stringify({
    type: problemType(code),
    title,
    ...(status ? { status: Number(status) } : {}),
    code,
    detail: '__DETAIL__',
    requestId: '$context.requestId',
  }).replace('"__DETAIL__"', '$context.error.messageString'); // already a quoted JSON string

/**
 * The HTTP API: a REST API (see docs/adr/0001) whose resources and methods come from the route
 * table, one Lambda per route group, WAF in front, JSON access logs, stage throttling.
 */

export class ApiStack extends Stack {
  readonly api: RestApi;
  readonly functions: Record<RouteGroup, TesseraFunction>;
  /** The functions' physical names, as plain strings for other stacks (ADR 0012). */
  readonly functionNames = {} as Record<RouteGroup, string>;
  readonly mail: Mail;
  /** SES receiving of support mail, when the stage has a supportAddress. */
  readonly supportMail?: SupportMail;
  readonly identity: Identity;
  readonly console: ConsoleHosting;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { stage } = props;
    assertInstanceRoutesUnderPrefix(routes);

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: stage.logRetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new RestApi(this, 'Api', {
      restApiName: `tessera-${stage.name}`,
      description: 'Tessera license platform API',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: true,
      deployOptions: {
        stageName: API_STAGE,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false, // would log bodies and headers: tokens and keys
        throttlingRateLimit: stage.throttling.rateLimit,
        throttlingBurstLimit: stage.throttling.burstLimit,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        // Route templates, never concrete paths or headers: no key or token reaches a log.
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            ip: AccessLogField.contextIdentitySourceIp(),
            method: AccessLogField.contextHttpMethod(),
            route: AccessLogField.contextResourcePath(),
            status: AccessLogField.contextStatus(),
            latencyMs: AccessLogField.contextResponseLatency(),
            integrationLatencyMs: AccessLogField.contextIntegrationLatency(),
            responseLength: AccessLogField.contextResponseLength(),
            waf: AccessLogField.contextWafResponseCode(),
            error: AccessLogField.contextErrorMessage(),
            userAgent: AccessLogField.contextIdentityUserAgent(),
          }),
        ),
      },
      ...(stage.corsOrigins.length > 0
        ? {
            defaultCorsPreflightOptions: {
              allowOrigins: stage.corsOrigins,
              allowMethods: Cors.ALL_METHODS,
              allowHeaders: CORS_ALLOWED_HEADERS,
            },
          }
        : {}),
    });

    // API Gateway would create its execution-log group itself, unowned and kept forever: create
    // it first, under the name API Gateway writes to, with the stage's retention.
    const executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${API_STAGE}`,
      retention: stage.logRetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api.deploymentStage.node.addDependency(executionLogs);

    for (const problem of gatewayProblems) {
      this.api.addGatewayResponse(`Problem${problem.code}${problem.type.responseType}`, {
        type: problem.type,
        ...(problem.status ? { statusCode: problem.status } : {}),
        responseHeaders: {
          'Content-Type': "'application/problem+json'",
          ...gatewayCors(stage.corsOrigins),
          ...(problem.status === '429' ? { 'Retry-After': "'1'" } : {}),
        },
        templates: {
          'application/json': problemTemplate(problem.code, problem.title, problem.status),
        },
      });
    }

    this.mail = new Mail(this, 'Mail', {
      stage: stage.name,
      senderAddress: stage.senderAddress,
      brand: stage.brand,
    });
    this.console = new ConsoleHosting(this, 'Console', {
      stage: stage.name,
      restApiId: this.api.restApiId,
      apiStage: API_STAGE,
      logRetentionDays: stage.logRetentionDays,
      ...(stage.console ? { domain: stage.console } : {}),
    });
    const consoleUrl =
      stage.identity.consoleUrl?.replace(/\/?$/, '/') ??
      `https://${stage.console?.domainName ?? this.console.distribution.distributionDomainName}/`;
    this.identity = new Identity(this, 'Identity', {
      stage: stage.name,
      mfa: stage.identity.mfa,
      ...(stage.identity.federation
        ? {
            federation: stage.identity.federation,
            // The API answers under /<stage> on the console's own origin (lib/console.ts).
            callbackUrl: `${consoleUrl}${API_STAGE}/session/federation-callback`,
          }
        : {}),
    });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.client.userPoolClientId });

    // The data stack's bucket, by its name: no export ties the stacks together.
    const files = Bucket.fromBucketName(
      this,
      'Files',
      filesBucketName(stage.name, this.account, this.region),
    );
    this.functions = {} as Record<RouteGroup, TesseraFunction>;
    for (const [group, spec] of Object.entries(groups) as [
      RouteGroup,
      (typeof groups)[RouteGroup],
    ][]) {
      const open = openRouteGroups.includes(group);
      const functionName = `tessera-${stage.name}-${group}`;
      this.functionNames[group] = functionName;
      const fn = new TesseraFunction(this, `${group[0]?.toUpperCase()}${group.slice(1)}Function`, {
        entry: `lambdas/http/${group}.ts`,
        functionName,
        description: `Tessera ${group}: ${spec.description}`,
        stage: stage.name,
        logRetention: stage.logRetentionDays,
        // Anyone can call an open route: cap it, so a flood leaves concurrency for the rest.
        ...(open ? { reservedConcurrency: stage.concurrency.openRoutes } : {}),
        environment: {
          CORS_ORIGINS: stage.corsOrigins.join(','),
          // The brand pages show (GET /brand) and the language of readers who set none.
          ...(group === 'meta' ? { BRAND: JSON.stringify(stage.brand) } : {}),
          DEFAULT_LANGUAGE: stage.defaultLanguage,
        },
      });
      if (spec.table !== 'none') fn.bindTable(props.table, spec.table);
      if (SIGNING_GROUPS.includes(group))
        fn.bindSigningKey(props.signingKey, stage.retiredSigningKeys);
      if (group !== 'meta') {
        bindIdentity(
          fn,
          {
            userPoolId: this.identity.userPool.userPoolId,
            userPoolArn: this.identity.userPool.userPoolArn,
            clientId: this.identity.client.userPoolClientId,
          },
          group === PEOPLE_GROUP,
        );
      }
      if (group === 'session') this.identity.configureSessions(fn.fn);
      if (MAIL_GROUPS.includes(group)) fn.bindMail(this.mail);
      if (group === 'tickets') {
        fn.bindFiles(files, { read: ['attachments/'], write: ['attachments/'] });
      }
      if (group === 'activation') {
        fn.fn.addEnvironment(
          'ACTIVATION_MAX_PENDING',
          String(stage.activation.maxPendingPerLicense),
        );
        fn.fn.addEnvironment(
          'ACTIVATION_CODE_EMAILS_PER_HOUR',
          String(stage.activation.codeEmailsPerLicensePerHour),
        );
      }
      this.functions[group] = fn;
    }

    const integrations = new Map<RouteGroup, LambdaIntegration>();
    for (const route of routes) {
      let integration = integrations.get(route.group);
      if (!integration) {
        // One permission per function, for this API only (its execute-api ARN), rather than one
        // per method: per-method permissions alone were a fifth of the stack's 500-resource
        // limit. API Gateway still invokes a function only for the methods it integrates (ADR 0023).
        integration = new LambdaIntegration(this.functions[route.group].fn, {
          scopePermissionToMethod: false,
        });
        integrations.set(route.group, integration);
      }
      this.api.root.resourceForPath(route.path).addMethod(route.method, integration, {
        operationName: route.operationId,
      });
    }

    for (const group of [PEOPLE_GROUP, 'session'] as const) {
      this.functions[group].fn.addEnvironment('CONSOLE_URL', consoleUrl);
    }
    new CfnOutput(this, 'ConsoleUrl', { value: consoleUrl });

    if (stage.supportAddress) {
      this.supportMail = new SupportMail(this, 'SupportMail', {
        stage: stage.name,
        address: stage.supportAddress,
        senderTrust: stage.supportSenderTrust,
        table: props.table,
        files,
        logRetention: stage.logRetentionDays,
      });
      new CfnOutput(this, 'SupportRuleSet', {
        description:
          'Activate once per region: aws ses set-active-receipt-rule-set --rule-set-name …',
        value: this.supportMail.ruleSet.receiptRuleSetName,
      });
    }

    new ApiFirewall(this, 'Firewall', {
      stageArn: this.api.deploymentStage.stageArn,
      requestsPer5MinutesPerIp: stage.waf.requestsPer5MinutesPerIp,
      instanceRequestsPer5MinutesPerIp: stage.waf.instanceRequestsPer5MinutesPerIp,
      corsOrigins: stage.corsOrigins,
      stageName: stage.name,
      logRetention: stage.logRetentionDays,
    });

    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Requests are validated in the functions with the route table’s zod schemas, which answer RFC 9457 problem documents with stable codes; an API Gateway validator would answer differently.',
      },
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Callers present Tessera API tokens (or, on instance routes, license keys and activation tokens) that the functions verify against hashes in DynamoDB; open routes (health, OpenAPI) are public by design.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'People’s Cognito access tokens are verified in the functions (aws-jwt-verify) next to API tokens, and checked against Tessera’s own record of the person on every request, which an API Gateway Cognito authorizer could not do.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level role that lets API Gateway write execution logs (APIG6) is AWS’s own managed policy by design.',
      },
    );

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'TableName', { value: props.table.tableName });
  }
}
