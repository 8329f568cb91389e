/**
 * The webview side of VS Code's messaging, typed per panel. `acquireVsCodeApi` exists only inside a
 * VS Code webview and may be called once per page; the standalone report page never calls it.
 */
import { parseMessage, type MessageSchema } from '@protocol/webview';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

export interface PanelChannel<In, Out, State> {
  post(message: Out): void;
  state(): State | undefined;
  saveState(state: State): void;
  /** Calls `onMessage` with each valid message; reports malformed ones through `onInvalid`. */
  listen(onMessage: (message: In) => void, onInvalid: (error: Error) => void): void;
}

export function inVsCode(): boolean {
  return typeof acquireVsCodeApi === 'function';
}

export function panelChannel<In, Out, State>(inbound: MessageSchema, outbound: MessageSchema, name: string): PanelChannel<In, Out, State> {
  if (typeof acquireVsCodeApi !== 'function') throw new Error(`${name}: not running inside a VS Code webview`);
  const api = acquireVsCodeApi();
  return {
    // Outbound messages are checked too, so a bug on this side shows up here rather than as a
    // rejected message in the extension host.
    post: (message) => api.postMessage(parseMessage<Out>(outbound, `${name} → extension`, message)),
    state: () => (api.getState() as State | undefined) ?? undefined,
    saveState: (state) => api.setState(state),
    listen(onMessage, onInvalid) {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        try {
          onMessage(parseMessage<In>(inbound, `extension → ${name}`, event.data));
        } catch (err) {
          onInvalid(err instanceof Error ? err : new Error(String(err)));
        }
      });
    },
  };
}
