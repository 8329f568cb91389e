/** The Prodlens status bar item: state from `prodlens/status`, a tooltip, a click that shows the output. */
import * as vscode from 'vscode';
import type { StatusView } from './status-text';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('prodlens.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Prodlens';
    this.item.command = 'prodlens.showOutput';
  }

  show(view: StatusView): void {
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.severity === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : view.severity === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
