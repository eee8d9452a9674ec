/** The CDK app: `npm run synth`, `npm run deploy`. Stage: `-c tessera:stage=<name>` (cdk.json). */
import { App } from 'aws-cdk-lib';
import { buildTessera } from '../lib/app.ts';
import { ensureConsoleBuilt } from './local/console-files.ts';

// The console ships as files built from console/: build them when its sources changed.
await ensureConsoleBuilt();

const app = new App();
buildTessera(app);
app.synth();
