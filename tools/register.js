// Runs the TypeScript sources directly (SWC keeps decorator metadata, which Nest's DI needs,
// and resolves the tsconfig path aliases), so `npm start` needs no build step.
const path = require('node:path');
process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', 'tsconfig.json');
require('reflect-metadata');
require('@swc-node/register');
