/** Registers an app with the simulator, as a customer registers one with Pinterest. */
export async function registerApp(
  simUrl: string,
  body: { businessId: string; scopes: string[]; userEmail?: string },
): Promise<{ clientId: string; clientSecret: string; refreshToken: string }> {
  const r = await fetch(`${simUrl}/__sim/oauth/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`registering an app: ${r.status} ${await r.text()}`);
  const app = (await r.json()) as { clientId: string; clientSecret: string; refreshToken: string };
  // Only what a customer copies from Pinterest's developer site.
  return { clientId: app.clientId, clientSecret: app.clientSecret, refreshToken: app.refreshToken };
}

export const BOTH_SCOPES = ['biz_access:read', 'biz_access:write'];
