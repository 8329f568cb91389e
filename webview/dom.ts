/**
 * DOM building for the panels. Everything that came from telemetry goes in with `textContent` or
 * `setAttribute` on a fixed list of harmless attributes; there is no `innerHTML` anywhere in webview/.
 */

type Child = Node | string | null | undefined | false;

export interface ElementOptions {
  className?: string;
  text?: string;
  title?: string;
  /** Only attributes that cannot run code or load anything (checked below). */
  attrs?: Record<string, string>;
}

const SAFE_ATTRIBUTES = new Set(['role', 'tabindex', 'aria-label', 'aria-sort', 'aria-selected', 'aria-expanded', 'aria-level', 'data-index', 'value', 'for', 'id', 'scope', 'colspan']);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, children: Child[] = []): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (options.className) el.className = options.className;
  if (options.text !== undefined) el.textContent = options.text;
  if (options.title !== undefined) el.title = options.title;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    // A programming error, not a data error: callers pass literal attribute names.
    if (!SAFE_ATTRIBUTES.has(name)) throw new Error(`dom.h: attribute "${name}" is not on the safe list`);
    el.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/** Makes an element act as a button for mouse and keyboard (Enter and Space). */
export function activatable(el: HTMLElement, label: string, onActivate: () => void): HTMLElement {
  el.setAttribute('tabindex', '0');
  el.setAttribute('role', 'button');
  el.setAttribute('aria-label', label);
  el.addEventListener('click', onActivate);
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onActivate();
    }
  });
  return el;
}

/** Arrow keys, Home and End move focus between rows of a list or table (roving focus). */
export function arrowNavigation(container: HTMLElement, rowSelector: string): void {
  container.addEventListener('keydown', (e) => {
    const rows = Array.from(container.querySelectorAll<HTMLElement>(rowSelector));
    const index = rows.indexOf(document.activeElement as HTMLElement);
    if (index < 0) return;
    const next =
      e.key === 'ArrowDown' ? rows[index + 1] : e.key === 'ArrowUp' ? rows[index - 1] : e.key === 'Home' ? rows[0] : e.key === 'End' ? rows[rows.length - 1] : undefined;
    if (next) {
      e.preventDefault();
      next.focus();
    }
  });
}

/** A bar whose width is a share of its track, set through the CSSOM (allowed by the CSP, unlike style attributes). */
export function bar(share: number, className: string, label: string): HTMLElement {
  const track = h('span', { className: `bar-track ${className}`, title: label });
  const fill = h('span', { className: 'bar-fill' });
  fill.style.width = `${Math.max(0, Math.min(1, share)) * 100}%`;
  track.append(fill);
  return track;
}

export function clear(el: Element): void {
  el.replaceChildren();
}
