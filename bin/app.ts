/** The CDK app: `npm run synth`, `npm run deploy`. Stage: `-c tessera:stage=<name>` (cdk.json). */
import { App } from 'aws-cdk-lib';
import { buildTessera } from '../lib/app.ts';

const app = new App();
buildTessera(app);
app.synth();
