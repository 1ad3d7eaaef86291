export {
  createApiGateway,
  PinterestApiGateway,
  REQUIRED_SCOPES,
  type PinterestApiGatewayOptions,
} from './api-gateway';
export {
  exchangeAuthorizationCode,
  PinterestApiClient,
  type OAuthClientCredentials,
  type PinterestApiClientOptions,
  type TokenInfo,
} from './api-client';
