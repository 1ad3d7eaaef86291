import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Environment } from '@app/config';
import { createVault, Vault } from './vault';

export function openVault(env: Environment): Vault {
  return createVault({ dataDir: env.DATA_DIR, vaultKey: env.VAULT_KEY });
}

@Injectable()
class VaultShutdown implements OnApplicationShutdown {
  constructor(private readonly vault: Vault) {}

  async onApplicationShutdown(): Promise<void> {
    await this.vault.close();
  }
}

/** The secrets vault, opened at start-up so that a bad key stops the service immediately. */
@Global()
@Module({
  providers: [{ provide: Vault, inject: [Environment], useFactory: openVault }, VaultShutdown],
  exports: [Vault],
})
export class VaultModule {}
