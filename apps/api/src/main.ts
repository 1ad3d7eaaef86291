import 'reflect-metadata';
import { createApp, logListening } from './bootstrap';

createApp()
  .then(async (app) => logListening(app, await app.getUrl()))
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
