import { createApiGateway, type PinterestApiGatewayOptions } from '@app/pinterest';
import { startSimulator } from '@app/simulator';

import { BOTH_SCOPES, registerApp } from '../pinterest/api-support';
import { BUSINESS_ID, EMPLOYEE, testFixture } from '../pinterest/support';
import { describePinterestGatewayContract } from './pinterest-gateway.contract';

describePinterestGatewayContract('api (REST v5 with OAuth)', async () => {
  const sim = await startSimulator({ port: 0, fixture: testFixture() });
  const options = (app: Awaited<ReturnType<typeof registerApp>>): PinterestApiGatewayOptions => ({
    baseUrl: `${sim.url}/v5`,
    ...app,
    retryDelayMs: 20,
  });
  const gateway = createApiGateway(
    options(await registerApp(sim.url, { businessId: BUSINESS_ID, scopes: BOTH_SCOPES })),
  );
  await gateway.login();
  return {
    sim,
    gateway,
    channel: 'api',
    employee: async () =>
      createApiGateway(
        options(
          await registerApp(sim.url, {
            businessId: BUSINESS_ID,
            scopes: BOTH_SCOPES,
            userEmail: EMPLOYEE.email,
          }),
        ),
      ),
    close: async () => {
      await gateway.close();
      await sim.close();
    },
  };
});
