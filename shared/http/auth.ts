/**
 * Authentication and role checks. API Gateway has already verified the caller (SigV4 for
 * IAM routes, the Cognito authorizer for SME routes); here we turn its verdict into a
 * Principal and check the route's roles.
 *
 * IAM callers are mapped by role ARN through IAM_PRINCIPALS, a JSON object parsed once at
 * init: { "arn:aws:iam::123456789012:role/MobileBank": "channel:mobile-bank", ... }.
 *
 * Operations staff in a browser (the console) have no SigV4 credentials: every IAM route open to
 * ops is also served under CONSOLE_PREFIX behind the staff user pool's Cognito authorizer
 * (infra/constructs/http-api.ts). There the event carries the ID token's claims instead of a
 * caller ARN, and a member of the pool's `ops` group is an ops principal (staffPrincipal).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { DomainError } from '#domain/errors.ts';
import { HttpError } from './http-error.ts';
import { flagEnv, IAM_PRINCIPALS_ENV, LOCAL_DEV_ENV, optionalEnv, requireEnv, STAFF_ISSUER_ENV } from '#config/env.ts';
import { devPrincipal } from './dev.ts';
import type { RequestHeaders } from './headers.ts';
import { ANONYMOUS, PRINCIPAL_ID_PATTERN, type Principal, type Role } from './principal.ts';

export { ANONYMOUS, ROLES, channelOf, type Principal, type Role } from './principal.ts';

/** How API Gateway authenticates a route. */
export type AuthType = 'iam' | 'cognito' | 'none';

/** Role ARN (or IAM user ARN) → principal. */
export type IamPrincipals = ReadonlyMap<string, Principal>;

export interface AuthConfig {
  /** LOCAL_DEV=1: the x-dev-* headers are honoured. */
  readonly localDev: boolean;
  readonly iamPrincipals: IamPrincipals;
  /** The staff user pool's issuer: set on the functions of routes open to ops, which also take its tokens. */
  readonly staffIssuer?: string;
}

/** Where the console reaches the ops routes with a staff token: /console/v1/ops/… (and /console/v1/facilities/… for the routes ops may read). */
export const CONSOLE_PREFIX = '/console';
/** The staff user pool's group whose members act as ops. */
export const OPS_GROUP = 'ops';

/** The routes also served under CONSOLE_PREFIX with a staff token: the IAM routes open to ops. */
export function acceptsStaffToken(route: { readonly auth: AuthType; readonly roles: readonly Role[] }): boolean {
  return route.auth === 'iam' && route.roles.includes('ops');
}

const PARTITION = '(aws|aws-cn|aws-us-gov)';
/** STS names the session, not the role's path, so registered role ARNs must be path-less. */
const REGISTERED_ARN = new RegExp(`^arn:${PARTITION}:iam::\\d{12}:(role|user)/[\\w+=,.@-]{1,64}$`);
const ASSUMED_ROLE_ARN = new RegExp(`^arn:${PARTITION}:sts::(\\d{12}):assumed-role/([\\w+=,.@-]{1,64})/[\\w+=,.@-]{1,64}$`);
const IAM_ROLE_VALUE = /^(channel|ops):(.*)$/;
/**
 * The borrower an SME user is linked to: a Cognito custom attribute arrives in the ID token as
 * `custom:borrower_id`; a pre-token trigger may also publish it as `borrower_id`.
 */
const BORROWER_CLAIMS = ['custom:borrower_id', 'borrower_id'] as const;

/** Reads the auth configuration a route of type `auth` needs; call at init. */
export function loadAuthConfig(auth: AuthType): AuthConfig {
  const localDev = flagEnv(LOCAL_DEV_ENV);
  if (auth !== 'iam') return { localDev, iamPrincipals: new Map() };
  // Locally callers name themselves with x-dev-principal, so the mapping is optional there.
  const json = localDev ? optionalEnv(IAM_PRINCIPALS_ENV, '{}') : requireEnv(IAM_PRINCIPALS_ENV);
  const staffIssuer = optionalEnv(STAFF_ISSUER_ENV, '');
  return { localDev, iamPrincipals: parseIamPrincipals(json), ...(staffIssuer === '' ? {} : { staffIssuer }) };
}

/** Parses and validates IAM_PRINCIPALS; throws naming the variable and the bad entry. */
export function parseIamPrincipals(json: string): IamPrincipals {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    invalidIamPrincipals('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) invalidIamPrincipals('expected a JSON object');
  const principals = new Map<string, Principal>();
  for (const [arn, value] of Object.entries(parsed)) {
    if (!REGISTERED_ARN.test(arn)) invalidIamPrincipals(`"${arn}" is not a path-less IAM role or user ARN`);
    const match = typeof value === 'string' ? IAM_ROLE_VALUE.exec(value) : null;
    const role = match?.[1];
    const id = match?.[2];
    if ((role !== 'channel' && role !== 'ops') || id === undefined || !PRINCIPAL_ID_PATTERN.test(id)) {
      invalidIamPrincipals(`the value for "${arn}" must be "channel:<id>" or "ops:<id>"`);
    }
    principals.set(arn, { role, id });
  }
  return principals;
}

function invalidIamPrincipals(reason: string): never {
  throw new Error(`${IAM_PRINCIPALS_ENV} is invalid: ${reason}`);
}

/**
 * The ARN to look a SigV4 caller up by: an assumed-role session
 * `arn:aws:sts::<acct>:assumed-role/<Role>/<session>` becomes `arn:aws:iam::<acct>:role/<Role>`;
 * an IAM user ARN stays as it is; anything else has no registered form.
 */
export function normalizeCallerArn(userArn: string): string | undefined {
  const assumed = ASSUMED_ROLE_ARN.exec(userArn);
  if (assumed !== null) return `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
  return REGISTERED_ARN.test(userArn) ? userArn : undefined;
}

/**
 * The principal of a request on a route authenticated by `auth`. Only the source API Gateway
 * uses for that route is consulted (plus x-dev-principal under LOCAL_DEV=1).
 * Throws 401 when the caller is not authenticated, 403 when authenticated but unknown to us.
 */
export function resolvePrincipal(event: APIGatewayProxyEvent, auth: AuthType, config: AuthConfig, headers: RequestHeaders): Principal {
  if (config.localDev) {
    const dev = devPrincipal(headers);
    if (dev !== undefined) return dev;
  }
  switch (auth) {
    case 'none':
      return ANONYMOUS;
    case 'iam': {
      // Claims only arrive from API Gateway's authorizer: on an IAM route, from the console's mount.
      // A function not configured for staff tokens ignores them, as it would any other source.
      const claims = claimsOf(event);
      return claims === undefined || config.staffIssuer === undefined ? iamPrincipal(event, config.iamPrincipals) : staffPrincipal(claims, config.staffIssuer);
    }
    case 'cognito':
      return cognitoPrincipal(event);
  }
}

/** Enforces a route's roles: anonymous callers get 401, the wrong role 403. A route open to 'anonymous' is open to all. */
export function authorize(principal: Principal, roles: readonly Role[]): void {
  if (roles.includes('anonymous')) return;
  if (principal.role === 'anonymous') throw new HttpError('unauthenticated', 'This operation requires an authenticated caller.');
  if (!roles.includes(principal.role)) throw new HttpError('forbidden', 'The caller may not perform this operation.');
}

/**
 * SMEs see their own borrower's data only. Another borrower's facility is reported as not
 * found, so an SME cannot learn which facility ids exist. Channels and ops see all borrowers.
 */
export function assertBorrowerAccess(principal: Principal, borrowerId: string, what = 'facility'): void {
  if (principal.role === 'channel' || principal.role === 'ops') return;
  if (principal.role === 'sme' && principal.borrowerId === borrowerId) return;
  if (principal.role === 'anonymous') throw new HttpError('unauthenticated', 'This operation requires an authenticated caller.');
  throw new DomainError('not-found', `The ${what} was not found.`);
}

function iamPrincipal(event: APIGatewayProxyEvent, registered: IamPrincipals): Principal {
  // `caller` is the role's unique id plus session (AROA…:session), not an ARN: userArn is the one to map.
  const userArn = event.requestContext?.identity?.userArn;
  if (typeof userArn !== 'string' || userArn === '') return ANONYMOUS;
  const arn = normalizeCallerArn(userArn);
  const principal = arn === undefined ? undefined : registered.get(arn);
  if (principal === undefined) throw new HttpError('forbidden', 'The caller is not registered for this API.');
  return principal;
}

function claimsOf(event: APIGatewayProxyEvent): Record<string, unknown> | undefined {
  const claims: unknown = event.requestContext?.authorizer?.['claims'];
  return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
}

/**
 * A staff member signed in to the staff user pool: ops when the ID token is that pool's (its
 * issuer is the configured one) and lists the `ops` group. API Gateway's REST authorizer hands
 * every claim over as a string, so `cognito:groups` arrives as "ops" or "[ops other]"; an array
 * is read too. The principal id is the user name (the journal's actor), else the subject.
 */
function staffPrincipal(claims: Record<string, unknown>, staffIssuer: string): Principal {
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub === '') return ANONYMOUS;
  if (claims['iss'] !== staffIssuer) throw new HttpError('forbidden', 'This token is not from the staff sign-in of this API.');
  if (claims['token_use'] !== undefined && claims['token_use'] !== 'id') throw new HttpError('forbidden', 'Send the ID token of the staff sign-in.');
  if (!groupsOf(claims['cognito:groups']).includes(OPS_GROUP)) throw new HttpError('forbidden', `The signed-in user is not in the ${OPS_GROUP} group.`);
  const username = claims['cognito:username'];
  const id = typeof username === 'string' && PRINCIPAL_ID_PATTERN.test(username) ? username : sub;
  if (!PRINCIPAL_ID_PATTERN.test(id)) throw new HttpError('forbidden', 'The signed-in user has no usable id.');
  return { role: 'ops', id };
}

function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === 'string');
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter((group) => group !== '');
}

function cognitoPrincipal(event: APIGatewayProxyEvent): Principal {
  const record = claimsOf(event);
  if (record === undefined) return ANONYMOUS;
  const sub = record['sub'];
  const borrowerId = BORROWER_CLAIMS.map((name) => record[name]).find((value) => value !== undefined);
  if (typeof sub !== 'string' || sub === '') return ANONYMOUS;
  if (typeof borrowerId !== 'string' || !PRINCIPAL_ID_PATTERN.test(borrowerId)) {
    throw new HttpError('forbidden', 'The signed-in user is not linked to a borrower.');
  }
  return { role: 'sme', id: sub, borrowerId };
}
