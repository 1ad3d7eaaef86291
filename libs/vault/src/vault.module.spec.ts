import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Environment } from '@app/config';
import { Vault, VaultClosed, VaultModule } from './index';

describe('VaultModule', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vault-module-spec-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('provides a Vault from the injected Environment and closes it on shutdown', async () => {
    // given
    const env = Object.assign(new Environment(), { DATA_DIR: dataDir });
    @Global()
    @Module({ providers: [{ provide: Environment, useValue: env }], exports: [Environment] })
    class TestConfigModule {}
    const app = await Test.createTestingModule({
      imports: [TestConfigModule, VaultModule],
    }).compile();
    app.enableShutdownHooks();
    await app.init();
    const vault = app.get(Vault);
    const ref = await vault.put('s3cret', { workspaceId: 'ws', purpose: 'test' });
    // when
    await app.close();
    // then
    expect(ref).toMatch(/^vault:/);
    await expect(vault.get(ref, 'ws')).rejects.toBeInstanceOf(VaultClosed);
  });
});
