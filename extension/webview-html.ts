/**
 * The HTML shell of every panel (STYLE.md habit 8): `default-src 'none'`, the one script allowed by
 * a per-load nonce, styles only from the extension's own CSS file. Pure, so it is unit-tested.
 */
import { htmlShell } from '../webview/html-shell';

export interface WebviewHtmlInput {
  title: string;
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** Base64 from crypto.randomBytes(16); a new one for every load. */
  nonce: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `img-src ${cspSource}`, `font-src ${cspSource}`].join('; ');
}

export function webviewHtml(input: WebviewHtmlInput): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(input.nonce)) throw new Error('webviewHtml: the nonce must be base64 from crypto.randomBytes');
  return htmlShell({
    csp: contentSecurityPolicy(input.cspSource, input.nonce),
    title: input.title,
    styleHref: input.styleUri,
    scriptSrc: input.scriptUri,
    nonce: input.nonce,
  });
}
