/**
 * CDK entry point (cdk.json: `node infra/app.ts`, run on Node 24 with type stripping).
 * Synthesises offline: no context lookups; the environment comes from the CLI when known.
 */
import { App } from 'aws-cdk-lib';
import { CDK_DEFAULT_ACCOUNT_ENV, CDK_DEFAULT_REGION_ENV } from '#config/env.ts';
import { buildWebSync, DIST_DIR } from '../web/build.ts';
import { composeService } from './compose.ts';

const app = new App();
const account = process.env[CDK_DEFAULT_ACCOUNT_ENV];
const region = process.env[CDK_DEFAULT_REGION_ENV];
// The web apps the site stack deploys: built now, into web/dist (not committed).
buildWebSync(DIST_DIR);
composeService(app, account !== undefined && region !== undefined ? { account, region } : undefined, { webAssetsDir: DIST_DIR });
app.synth();
