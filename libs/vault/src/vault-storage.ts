/** One stored secret: only ciphertext and the metadata needed to authenticate it. */
export interface VaultEntry {
  ref: string;
  workspaceId: string;
  purpose: string;
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
  /** ISO-8601 */
  createdAt: string;
  /** ISO-8601 */
  updatedAt: string;
}

export type VaultCiphertext = Pick<VaultEntry, 'keyId' | 'iv' | 'ciphertext' | 'tag' | 'updatedAt'>;

/**
 * The vault's storage port. It sees only ciphertext, so a backend needs no crypto of its own;
 * the workspace scoping is repeated here so that a backend cannot leak another workspace's
 * entry even if the Vault's own check were bypassed.
 */
export interface VaultStorage {
  insert(entry: VaultEntry): Promise<void>;
  find(ref: string): Promise<VaultEntry | undefined>;
  /** Resolves false when no entry has that ref in that workspace. */
  update(ref: string, workspaceId: string, ciphertext: VaultCiphertext): Promise<boolean>;
  /** Resolves false when no entry has that ref in that workspace. */
  delete(ref: string, workspaceId: string): Promise<boolean>;
  has(ref: string): Promise<boolean>;
  close(): Promise<void>;
}
