import { afterEach, describe, expect, it, vi } from 'vitest';
import { DomainError, ValidationError } from '#domain/errors.ts';
import { HttpError } from '#http/http-error.ts';
import {
  ANONYMOUS,
  ROLES,
  assertBorrowerAccess,
  authorize,
  channelOf,
  loadAuthConfig,
  normalizeCallerArn,
  parseIamPrincipals,
  resolvePrincipal,
  type AuthConfig,
  type Principal,
  type Role,
} from '#http/auth.ts';
import { headersOf } from '#http/headers.ts';
import { ACCOUNT, CHANNEL_ROLE_ARN, IAM_PRINCIPALS_JSON, OPS_ROLE_ARN, apiEvent, callers } from './support.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    if (error instanceof DomainError || error instanceof HttpError) return error.code;
    throw error;
  }
}

const deployed: AuthConfig = { localDev: false, iamPrincipals: parseIamPrincipals(IAM_PRINCIPALS_JSON) };
const local: AuthConfig = { ...deployed, localDev: true };

describe('IAM_PRINCIPALS', () => {
  it('maps role ARNs to channel and ops principals', () => {
    expect([...parseIamPrincipals(IAM_PRINCIPALS_JSON)]).toEqual([
      [CHANNEL_ROLE_ARN, { role: 'channel', id: 'mobile-bank' }],
      [OPS_ROLE_ARN, { role: 'ops', id: 'credit-ops' }],
    ]);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an array', '[]', /expected a JSON object/],
    ['an STS ARN as key', `{"arn:aws:sts::${ACCOUNT}:assumed-role/R/s":"channel:x"}`, /not a path-less IAM role/],
    ['a role ARN with a path', `{"arn:aws:iam::${ACCOUNT}:role/service/R":"channel:x"}`, /not a path-less IAM role/],
    ['an SME value', `{"${CHANNEL_ROLE_ARN}":"sme:x"}`, /must be "channel:<id>" or "ops:<id>"/],
    ['an empty id', `{"${CHANNEL_ROLE_ARN}":"channel:"}`, /must be "channel:<id>" or "ops:<id>"/],
    ['a non-string value', `{"${CHANNEL_ROLE_ARN}":1}`, /must be "channel:<id>" or "ops:<id>"/],
  ])('is refused at init when it has %s, naming the variable', (_, json, reason) => {
    expect(() => parseIamPrincipals(json)).toThrow(/^IAM_PRINCIPALS is invalid: /);
    expect(() => parseIamPrincipals(json)).toThrow(reason);
  });

  it('is required for IAM routes of a deployed function, optional locally, ignored elsewhere', () => {
    vi.stubEnv('LOCAL_DEV', '');
    vi.stubEnv('IAM_PRINCIPALS', '');
    expect(() => loadAuthConfig('iam')).toThrow('missing required environment variable IAM_PRINCIPALS');
    expect(loadAuthConfig('cognito').iamPrincipals.size).toBe(0);
    vi.stubEnv('LOCAL_DEV', '1');
    expect(loadAuthConfig('iam')).toEqual({ localDev: true, iamPrincipals: new Map() });
  });

  it('switches dev mode on with LOCAL_DEV=1 only', () => {
    for (const [value, expected] of [['1', true], ['true', false], ['yes', false], ['', false]] as const) {
      vi.stubEnv('LOCAL_DEV', value);
      expect(loadAuthConfig('none').localDev, value).toBe(expected);
    }
  });
});

describe('normalizeCallerArn', () => {
  it('turns an assumed-role session into its role ARN', () => {
    expect(normalizeCallerArn(`arn:aws:sts::${ACCOUNT}:assumed-role/MobileBankChannel/session-1`)).toBe(CHANNEL_ROLE_ARN);
    expect(normalizeCallerArn(`arn:aws-cn:sts::${ACCOUNT}:assumed-role/Ops/i-0abc`)).toBe(`arn:aws-cn:iam::${ACCOUNT}:role/Ops`);
  });

  it('keeps an IAM user ARN and refuses anything else', () => {
    expect(normalizeCallerArn(`arn:aws:iam::${ACCOUNT}:user/batch`)).toBe(`arn:aws:iam::${ACCOUNT}:user/batch`);
    expect(normalizeCallerArn(`arn:aws:sts::${ACCOUNT}:federated-user/bob`)).toBeUndefined();
    expect(normalizeCallerArn('AROAEXAMPLE:session')).toBeUndefined();
  });
});

describe('resolvePrincipal', () => {
  const resolve = (init: Parameters<typeof apiEvent>[0], auth: 'iam' | 'cognito' | 'none', config = deployed) => {
    const event = apiEvent(init);
    return resolvePrincipal(event, auth, config, headersOf(event));
  };

  it('maps a registered SigV4 caller on an IAM route', () => {
    expect(resolve(callers.channel, 'iam')).toEqual({ role: 'channel', id: 'mobile-bank' });
    expect(resolve(callers.ops, 'iam')).toEqual({ role: 'ops', id: 'credit-ops' });
  });

  it('refuses a signed but unregistered caller with 403', () => {
    expect(codeOf(() => resolve({ userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/Other/s` }, 'iam'))).toBe('forbidden');
    expect(codeOf(() => resolve({ userArn: `arn:aws:sts::999999999999:assumed-role/MobileBankChannel/s` }, 'iam'))).toBe('forbidden');
  });

  it('maps Cognito claims to an SME of its borrower', () => {
    expect(resolve(callers.sme, 'cognito')).toEqual({ role: 'sme', id: callers.sme.claims.sub, borrowerId: 'BOR-1' });
  });

  it('reads the Cognito custom attribute custom:borrower_id, which is how an ID token carries it', () => {
    expect(resolve({ claims: { sub: 'u-2', 'custom:borrower_id': 'BOR-2' } }, 'cognito')).toEqual({ role: 'sme', id: 'u-2', borrowerId: 'BOR-2' });
    expect(codeOf(() => resolve({ claims: { sub: 'u-2', 'custom:borrower_id': 'BOR 2' } }, 'cognito'))).toBe('forbidden');
  });

  it('refuses a signed-in user without a valid borrower_id claim with 403', () => {
    expect(codeOf(() => resolve({ claims: { sub: 'u-1' } }, 'cognito'))).toBe('forbidden');
    expect(codeOf(() => resolve({ claims: { sub: 'u-1', borrower_id: 'BOR 1' } }, 'cognito'))).toBe('forbidden');
  });

  it('only consults the source API Gateway uses for the route', () => {
    expect(resolve(callers.sme, 'iam')).toEqual(ANONYMOUS);
    expect(resolve(callers.channel, 'cognito')).toEqual(ANONYMOUS);
    expect(resolve(callers.channel, 'none')).toEqual(ANONYMOUS);
    expect(resolve({ claims: { borrower_id: 'BOR-1' } }, 'cognito')).toEqual(ANONYMOUS);
  });

  describe('a staff token on a route open to ops (the console mount)', () => {
    const ISSUER = 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Staff';
    const staff: AuthConfig = { ...deployed, staffIssuer: ISSUER };
    const token = (claims: Record<string, unknown>) => ({ claims: { sub: 'a11ce000-0000-4000-8000-000000000001', iss: ISSUER, token_use: 'id', 'cognito:username': 'alice', ...claims } });

    it('makes a member of the ops group an ops principal, named by the user name', () => {
      // API Gateway's REST authorizer passes every claim as a string: one group, or "[a b]" for several.
      expect(resolve(token({ 'cognito:groups': 'ops' }), 'iam', staff)).toEqual({ role: 'ops', id: 'alice' });
      expect(resolve(token({ 'cognito:groups': '[auditors ops]' }), 'iam', staff)).toEqual({ role: 'ops', id: 'alice' });
      expect(resolve(token({ 'cognito:groups': ['ops'] }), 'iam', staff)).toEqual({ role: 'ops', id: 'alice' });
    });

    it('names the principal by the subject when the user name is not a usable id', () => {
      expect(resolve(token({ 'cognito:groups': 'ops', 'cognito:username': 'alice@bank.cn' }), 'iam', staff)).toEqual({ role: 'ops', id: 'a11ce000-0000-4000-8000-000000000001' });
    });

    it('refuses staff outside the ops group, tokens of another pool and access tokens with 403', () => {
      expect(codeOf(() => resolve(token({ 'cognito:groups': '[auditors opsx]' }), 'iam', staff))).toBe('forbidden');
      expect(codeOf(() => resolve(token({}), 'iam', staff))).toBe('forbidden');
      expect(codeOf(() => resolve(token({ 'cognito:groups': 'ops', iss: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Sme' }), 'iam', staff))).toBe('forbidden');
      expect(codeOf(() => resolve(token({ 'cognito:groups': 'ops', token_use: 'access' }), 'iam', staff))).toBe('forbidden');
    });

    it('never makes an SME token an ops principal', () => {
      expect(codeOf(() => resolve(callers.sme, 'iam', staff))).toBe('forbidden');
    });

    it('is ignored by a function not configured for staff tokens, and SigV4 callers still map', () => {
      expect(resolve(token({ 'cognito:groups': 'ops' }), 'iam')).toEqual(ANONYMOUS);
      expect(resolve(callers.ops, 'iam', staff)).toEqual({ role: 'ops', id: 'credit-ops' });
    });

    it('takes the issuer from STAFF_ISSUER on IAM routes only', () => {
      vi.stubEnv('IAM_PRINCIPALS', IAM_PRINCIPALS_JSON);
      vi.stubEnv('STAFF_ISSUER', ISSUER);
      expect(loadAuthConfig('iam').staffIssuer).toBe(ISSUER);
      expect(loadAuthConfig('cognito').staffIssuer).toBeUndefined();
      vi.stubEnv('STAFF_ISSUER', '');
      expect(loadAuthConfig('iam').staffIssuer).toBeUndefined();
    });
  });

  describe('x-dev-principal', () => {
    it('is ignored by a deployed function', () => {
      expect(resolve({ headers: { 'x-dev-principal': 'ops:me' } }, 'iam')).toEqual(ANONYMOUS);
      expect(resolve({ headers: { 'X-Dev-Principal': 'garbage' } }, 'none')).toEqual(ANONYMOUS);
      expect(resolve({ ...callers.channel, headers: { 'x-dev-principal': 'ops:me' } }, 'iam')).toEqual({ role: 'channel', id: 'mobile-bank' });
    });

    it('names the caller under LOCAL_DEV=1, whatever the header’s spelling', () => {
      expect(resolve({ headers: { 'X-Dev-Principal': 'channel:counter' } }, 'iam', local)).toEqual({ role: 'channel', id: 'counter' });
      expect(resolve({ headers: { 'x-dev-principal': 'sme:BOR-7' } }, 'cognito', local)).toEqual({ role: 'sme', id: 'BOR-7', borrowerId: 'BOR-7' });
      expect(resolve({ headers: { 'x-dev-principal': 'ops:alice' } }, 'none', local)).toEqual({ role: 'ops', id: 'alice' });
    });

    it.each(['channel', 'admin:x', 'sme:', 'ops:a b', ':x'])('is a 400 under LOCAL_DEV=1 when malformed: %s', (value) => {
      expect(() => resolve({ headers: { 'x-dev-principal': value } }, 'iam', local)).toThrow(ValidationError);
    });
  });
});

describe('authorize', () => {
  const principals: Record<Role, Principal> = {
    channel: { role: 'channel', id: 'mobile-bank' },
    ops: { role: 'ops', id: 'credit-ops' },
    sme: { role: 'sme', id: 'u-1', borrowerId: 'BOR-1' },
    anonymous: ANONYMOUS,
  };
  const routes: Record<string, readonly Role[]> = {
    'channel only': ['channel'],
    'ops only': ['ops'],
    'channel and ops': ['channel', 'ops'],
    'sme only': ['sme'],
    public: ['anonymous'],
  };
  const expected: Record<string, Record<Role, string | undefined>> = {
    'channel only': { channel: undefined, ops: 'forbidden', sme: 'forbidden', anonymous: 'unauthenticated' },
    'ops only': { channel: 'forbidden', ops: undefined, sme: 'forbidden', anonymous: 'unauthenticated' },
    'channel and ops': { channel: undefined, ops: undefined, sme: 'forbidden', anonymous: 'unauthenticated' },
    'sme only': { channel: 'forbidden', ops: 'forbidden', sme: undefined, anonymous: 'unauthenticated' },
    public: { channel: undefined, ops: undefined, sme: undefined, anonymous: undefined },
  };
  for (const [route, roles] of Object.entries(routes)) {
    for (const role of ROLES) {
      it(`${route} × ${role} → ${expected[route]?.[role] ?? 'allowed'}`, () => {
        expect(codeOf(() => authorize(principals[role], roles))).toBe(expected[route]?.[role]);
      });
    }
  }
});

describe('assertBorrowerAccess', () => {
  it('lets channels and ops see every borrower and an SME only its own', () => {
    expect(codeOf(() => assertBorrowerAccess({ role: 'channel', id: 'c' }, 'BOR-1'))).toBeUndefined();
    expect(codeOf(() => assertBorrowerAccess({ role: 'ops', id: 'o' }, 'BOR-1'))).toBeUndefined();
    expect(codeOf(() => assertBorrowerAccess({ role: 'sme', id: 'u', borrowerId: 'BOR-1' }, 'BOR-1'))).toBeUndefined();
  });

  it('answers another borrower’s facility as not found, so ids cannot be probed', () => {
    expect(codeOf(() => assertBorrowerAccess({ role: 'sme', id: 'u', borrowerId: 'BOR-2' }, 'BOR-1'))).toBe('not-found');
    expect(codeOf(() => assertBorrowerAccess(ANONYMOUS, 'BOR-1'))).toBe('unauthenticated');
  });
});

describe('channelOf (the metric dimension)', () => {
  it('is the channel id for channels and the role otherwise, never a borrower id', () => {
    expect(channelOf({ role: 'channel', id: 'mobile-bank' })).toBe('mobile-bank');
    expect(channelOf({ role: 'sme', id: 'u-1', borrowerId: 'BOR-1' })).toBe('sme');
    expect(channelOf(ANONYMOUS)).toBe('anonymous');
  });
});
