import { createPlaywrightGateway } from '@app/pinterest';
import { startSimulator } from '@app/simulator';

import { EMPLOYEE, MANAGER, tempDataDir, testFixture } from '../pinterest/support';
import { describePinterestGatewayContract } from './pinterest-gateway.contract';

describePinterestGatewayContract('browser (Playwright over the pages)', async () => {
  const sim = await startSimulator({ port: 0, fixture: testFixture() });
  const data = tempDataDir();
  const options = { baseUrl: sim.url, dataDir: data.dir, retryDelayMs: 50 };
  const gateway = createPlaywrightGateway(options);
  // Each test resets the simulator, which ends sessions: the gateway logs in again by itself.
  await gateway.login(MANAGER);
  return {
    sim,
    gateway,
    channel: 'ui',
    employee: async () => {
      const employee = createPlaywrightGateway(options);
      await employee.login(EMPLOYEE);
      return employee;
    },
    close: async () => {
      await gateway.close();
      await sim.close();
      data.remove();
    },
  };
});
