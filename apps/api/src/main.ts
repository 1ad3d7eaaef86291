import 'reflect-metadata';
import { createApp, logListening } from './bootstrap';

createApp()
  .then((app) => logListening(app))
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
