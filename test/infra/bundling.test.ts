/**
 * One function bundled for real, the way `npm run synth` bundles all of them: local esbuild, no
 * Docker, no network. The bundle is then loaded by a plain Node 24 process, as Lambda would load
 * it, and answers a request: proof that the ESM output, the "#…" import aliases and the bundled
 * AWS SDK work, not only that esbuild exited 0.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Stack } from 'aws-cdk-lib';
import { ApiFunction, serviceEnvironment } from '../../infra/constructs/api-function.ts';
import { lambdaContext, proxyEvent } from '../../local/event.ts';
import { appWithProjectContext } from './support.ts';

const OPERATION = 'drawdown';
const outdir = mkdtempSync(join(tmpdir(), 'credit-bundle-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function bundle(): string {
  // Asset metadata (as the CDK CLI sets it) names the staged bundle directory in the template.
  const app = appWithProjectContext({ bundle: true, outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Bundled');
  new ApiFunction(stack, 'Fn', { operation: OPERATION, description: 'bundling test', environment: serviceEnvironment('CreditService', 'credit-service') });
  const template = app.synth().getStackByName('Bundled').template as { Resources: Record<string, { Type: string; Metadata?: Record<string, string> }> };
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function')!;
  return join(outdir, fn.Metadata!['aws:asset:path']!);
}

describe(`bundling ${OPERATION} for real`, () => {
  const assetDir = bundle();
  const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');

  it('is built offline by the local esbuild, without Docker', () => {
    // No wall-clock bound here (timings are for `npm run bench`): what matters is that the
    // staged asset exists although this machine has no Docker engine and no network.
    expect(existsSync(join(assetDir, 'index.mjs'))).toBe(true);
  });

  it('is one minified ES module with the AWS SDK inside, not left to the runtime', () => {
    expect(code.startsWith("import { createRequire as __createRequire } from 'node:module';")).toBe(true);
    expect(code).not.toMatch(/(from|import\()\s*["']@aws-sdk\//);
    expect(code).toContain('DynamoDB');
  });

  it('has a source map into functions/ and shared/, without the sources themselves', () => {
    const map = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((s) => s.endsWith(`functions/${OPERATION}/handler.ts`))).toBe(true);
    expect(map.sources.some((s) => s.includes('shared/ledger/'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  it('loads in a plain Node process and answers an unauthenticated request with a problem document', () => {
    // No caller identity: a SigV4 call always has one, so the function must refuse this request.
    const event = proxyEvent({
      method: 'POST',
      path: '/v1/facilities/F-1/drawdowns',
      resource: '/v1/facilities/{facilityId}/drawdowns',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'bundling-test-1' },
      pathParameters: { facilityId: 'F-1' },
      body: JSON.stringify({ amount: '100.00' }),
      requestId: 'bundling-test',
      stage: 'live',
    });
    // Its functions do not survive JSON: the child process gives it getRemainingTimeInMillis again.
    const context = lambdaContext({ functionName: OPERATION, requestId: 'bundling-test', region: 'cn-north-1', accountId: '123456789012', memoryLimitInMB: '512' });
    const script = `
      const { handler } = await import(${JSON.stringify(join(assetDir, 'index.mjs'))});
      const context = ${JSON.stringify(context)};
      context.getRemainingTimeInMillis = () => 10000;
      const result = await handler(${JSON.stringify(event)}, context);
      process.stdout.write('\\nRESULT ' + JSON.stringify(result) + '\\n');`;
    const child = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      // What the function has in AWS, and nothing from this test process (no LOCAL_DEV, no endpoint).
      env: { PATH: process.env['PATH'], AWS_REGION: 'cn-north-1', LEDGER_TABLE_NAME: 'credit-ledger', IAM_PRINCIPALS: '{}', ...serviceEnvironment('CreditService', 'credit-service') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const line = child.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, child.stdout).toBeDefined();
    const result = JSON.parse(line!.slice('RESULT '.length)) as { statusCode: number; headers: Record<string, string>; body: string };
    expect(result.statusCode).toBe(401);
    expect(result.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(result.body)).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  it("holds its own command's rule and schemas, not the renewal checks or another route's schemas", () => {
    // Its own rule: the drawdown's limit on open loans (shared/domain/facility.ts).
    expect(code).toContain('drawdowns may be open at once');
    // The renewal checks' texts (renewal-checks.ts) would ride along if the use-case went through
    // applyCommand, which dispatches every command.
    expect(code).not.toContain('The bank has no borrower profile for you yet');
    // The borrower profile's request schema (shared/api/ops.ts) would if schemas were not droppable.
    expect(code).not.toContain('企业规模 (2011 SME standard)');
  });

  it('leaves nothing to install: the asset is the bundle and its map', () => {
    expect(existsSync(join(assetDir, 'node_modules'))).toBe(false);
  });
});
