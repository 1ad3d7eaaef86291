/**
 * Every message here is built from references, workspace ids, key ids and file paths only:
 * callers log these errors and put them in HTTP responses, so no secret, plaintext or key
 * material may ever be interpolated into one.
 */
export class VaultError extends Error {
  override readonly name: string = 'VaultError';
}

/** No entry under that reference in that workspace (also when it belongs to another one). */
export class VaultEntryNotFound extends VaultError {
  override readonly name = 'VaultEntryNotFound';
  constructor(
    readonly ref: string,
    readonly workspaceId: string,
  ) {
    super(`No vault entry ${ref} in workspace ${JSON.stringify(workspaceId)}`);
  }
}

/** The entry could not be authenticated: another key, or tampered ciphertext, IV, tag or metadata. */
export class VaultDecryptionFailed extends VaultError {
  override readonly name = 'VaultDecryptionFailed';
  constructor(
    readonly ref: string,
    readonly keyId: string,
    reason: 'unknown-key' | 'authentication-failed',
  ) {
    super(
      reason === 'unknown-key'
        ? `Cannot decrypt vault entry ${ref}: it was encrypted with key ${keyId}, which this vault ` +
            'does not hold (wrong VAULT_KEY or vault.key?)'
        : `Cannot decrypt vault entry ${ref} with key ${keyId}: the key is wrong or the stored ` +
            'data was tampered with',
    );
  }
}

/** The key could not be loaded; the vault refuses to open rather than guess. */
export class VaultKeyError extends VaultError {
  override readonly name = 'VaultKeyError';
}

export class VaultClosed extends VaultError {
  override readonly name = 'VaultClosed';
  constructor() {
    super('The vault is closed');
  }
}

/** A malformed argument; the offending value is never echoed since it might be a secret. */
export class VaultInvalidArgument extends VaultError {
  override readonly name = 'VaultInvalidArgument';
}
