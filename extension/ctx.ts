/**
 * The extension's context object (STYLE.md habit 6): it owns the language client, the output
 * channel, the status bar, the local collector and every disposable, and nothing lives in
 * module-level variables. `dispose` stops them all in reverse order.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { LocalCollector } from './local-collector';
import type { StatusBar } from './status-bar';

export const TOKEN_SECRET = 'prodlens.token';

export class Ctx implements vscode.Disposable {
  client: LanguageClient | undefined;
  localCollector: LocalCollector | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
    readonly statusBar: StatusBar,
  ) {}

  get extensionUri(): vscode.Uri {
    return this.extension.extensionUri;
  }

  /** The folder panels may load resources from (`localResourceRoots`). */
  get webviewRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'webview');
  }

  token(): Thenable<string | undefined> {
    return this.extension.secrets.get(TOKEN_SECRET);
  }

  track<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  /** The running client, or a message telling the user why there is none. */
  requireClient(): LanguageClient | undefined {
    if (this.client?.isRunning()) return this.client;
    void vscode.window.showWarningMessage('Prodlens: the language server is not running; see the Prodlens output for why.', 'Show Output').then((pick) => {
      if (pick) this.output.show();
    });
    return undefined;
  }

  async dispose(): Promise<void> {
    await this.client?.stop().catch((err: unknown) => this.output.error(`stopping the language server: ${String(err)}`));
    this.client = undefined;
    await this.localCollector?.stop();
    this.localCollector = undefined;
    for (const d of this.disposables.reverse()) d.dispose();
    this.disposables.length = 0;
  }
}
