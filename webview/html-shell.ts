/**
 * The one HTML page shell every Prodlens page uses: the VS Code panels (extension/webview-html.ts)
 * and the standalone report (standalone-html.ts). A pure string function with no Node or DOM
 * imports; callers choose the CSP and what goes into the body before the bundle's script.
 */

export function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface HtmlShellInput {
  csp: string;
  title: string;
  styleHref: string;
  scriptSrc: string;
  /** Added to the bundle's `<script>` tag when the CSP allows scripts by nonce. */
  nonce?: string;
  /** Markup placed after `<main id="root">`, already safe (e.g. an embedded JSON block). */
  bodyExtra?: string;
}

export function htmlShell(p: HtmlShellInput): string {
  const nonce = p.nonce === undefined ? '' : ` nonce="${attr(p.nonce)}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(p.csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${attr(p.title)}</title>
<link rel="stylesheet" href="${attr(p.styleHref)}">
</head>
<body>
<main id="root"></main>
${p.bodyExtra ? `${p.bodyExtra}\n` : ''}<script${nonce} src="${attr(p.scriptSrc)}"></script>
</body>
</html>
`;
}
