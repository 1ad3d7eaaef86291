import { html } from '../html';
import { layout } from '../pages/layout';
import type { OAuthApp } from './oauth';

/** What Pinterest shows a user before an app gets a code: the app, the scopes, two buttons. */
export function consentPage(opts: {
  app: OAuthApp;
  redirectUri: string;
  state: string;
  scopes: string[];
}): string {
  const scopes = opts.scopes.length > 0 ? opts.scopes : opts.app.scopes;
  const hidden = (name: string, value: string) =>
    html`<input type="hidden" name="${name}" value="${value}" />`;
  return layout({
    title: 'Give access',
    body: html`<h1>Give app ${opts.app.clientId} access to your business?</h1>
      <p>It will be able to:</p>
      <ul>
        ${scopes.map((s) => html`<li data-scope="${s}">${s}</li>`)}
      </ul>
      <form method="post" action="/oauth/">
        ${hidden('client_id', opts.app.clientId)} ${hidden('redirect_uri', opts.redirectUri)}
        ${hidden('state', opts.state)} ${hidden('scope', scopes.join(','))}
        ${hidden('response_type', 'code')}
        <button type="submit" name="decision" value="allow" class="primary">Give access</button>
        <button type="submit" name="decision" value="deny">Cancel</button>
      </form>`,
  });
}
