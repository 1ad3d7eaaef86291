// The port and its types load no browser code; the adapter (./playwright) is the only
// place that imports Playwright.
export * from './types';
export * from './errors';
export * from './gateway.port';
export { Semaphore } from './semaphore';
export * from './playwright';
export * from './api';
