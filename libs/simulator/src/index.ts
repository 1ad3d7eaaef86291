export * from './types';
export { InvalidFixture, validateFixture } from './fixture-validation';
export { SimulatorState, Business, ChangeRefused } from './state';
export type { Actor } from './state';
export { OAuthServer, BIZ_ACCESS_READ, BIZ_ACCESS_WRITE } from './api/oauth';
export type { OAuthApp, TokenAnswer } from './api/oauth';
export type {
  Member,
  Invite,
  Asset,
  Partner,
  PartnerPerson,
  Account,
  InviteOutcome,
} from './state';
export { generateBusiness, seededRandom, DEFAULT_GENERATED_MANAGER } from './generator';
export { demoFixture, DEMO_AUTOMATION_ACCOUNT, DEMO_BUSINESS_ID } from './demo-fixture';
export { startSimulator, SimulatorApp } from './server';
export type { SimulatorOptions, RunningSimulator } from './server';
