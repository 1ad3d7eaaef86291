export {
  createPlaywrightGateway,
  PlaywrightPinterestGateway,
  type GatewayLogger,
  type PlaywrightGatewayOptions,
} from './playwright-gateway';
export { resolveChromiumPath, BrowserNotFound, CHROMIUM_ARGS } from './browser';
