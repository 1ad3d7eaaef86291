import 'reflect-metadata';
import { createLogger } from '@app/observability';
import { createApp, logListening } from './bootstrap';

createApp()
  .then((app) => logListening(app))
  .catch((error: unknown) => {
    // A JSON line like the rest of the log; the configuration's messages name a bad
    // variable without its value when it is a secret.
    createLogger('fatal', process.stderr).fatal(
      error instanceof Error ? error.message : String(error),
    );
    process.exit(1);
  });
