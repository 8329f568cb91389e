/**
 * The HTML shell of every panel (STYLE.md habit 8): `default-src 'none'`, the one script allowed by
 * a per-load nonce, styles only from the extension's own CSS file. Pure, so it is unit-tested.
 */
export interface WebviewHtmlInput {
  title: string;
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** Base64 from crypto.randomBytes(16); a new one for every load. */
  nonce: string;
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `img-src ${cspSource}`, `font-src ${cspSource}`].join('; ');
}

export function webviewHtml(input: WebviewHtmlInput): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(input.nonce)) throw new Error('webviewHtml: the nonce must be base64 from crypto.randomBytes');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${attr(input.title)}</title>
<link rel="stylesheet" href="${attr(input.styleUri)}">
</head>
<body>
<main id="root"></main>
<script nonce="${input.nonce}" src="${attr(input.scriptUri)}"></script>
</body>
</html>
`;
}
