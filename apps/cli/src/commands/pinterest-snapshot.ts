import { createPlaywrightGateway, maskEmail, PinterestError } from '@app/pinterest';

export interface PinterestSnapshotArgs {
  baseUrl: string;
  businessId: string;
  email: string;
  /** Name of the environment variable holding the password; the password never goes on argv. */
  passwordEnv: string;
}

/**
 * An operator's dry run: logs in as the automation account and prints the business's
 * snapshot as JSON. Exit codes: 0 done, 1 Pinterest refused or failed, 2 bad arguments.
 */
export async function pinterestSnapshotCommand(
  args: PinterestSnapshotArgs,
  out: (line: string) => void,
): Promise<number> {
  const missing = (['baseUrl', 'businessId', 'email', 'passwordEnv'] as const).filter(
    (k) => !args[k] || args[k].trim() === '',
  );
  if (missing.length > 0) {
    out(`error: missing ${missing.join(', ')}`);
    return 2;
  }
  try {
    new URL(args.baseUrl);
  } catch {
    out(`error: --base-url ${args.baseUrl} is not a URL`);
    return 2;
  }
  const password = process.env[args.passwordEnv];
  if (!password) {
    out(`error: environment variable ${args.passwordEnv} is not set`);
    return 2;
  }
  const gateway = createPlaywrightGateway({ baseUrl: args.baseUrl });
  try {
    await gateway.login({ email: args.email, password });
    const snapshot = await gateway.fetchSnapshot(args.businessId);
    out(JSON.stringify(snapshot, null, 2));
    return 0;
  } catch (e) {
    if (e instanceof PinterestError) {
      out(`error: ${e.name}: ${e.message}`);
      if (e.evidence?.screenshotPath) out(`screenshot: ${e.evidence.screenshotPath}`);
      if (e.evidence?.tracePath) out(`trace: ${e.evidence.tracePath}`);
      return 1;
    }
    // Unknown failures may quote their input; only the masked account is named here.
    out(
      `error: snapshot as ${maskEmail(args.email)} failed: ${e instanceof Error ? e.name : 'unknown error'}`,
    );
    return 1;
  } finally {
    await gateway.close();
  }
}
