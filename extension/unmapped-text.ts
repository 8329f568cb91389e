/** How "Prodlens: Show Unmapped Telemetry" describes each row. Pure, so it is tested without VS Code. */
import { UNMAPPED_REASONS, type UnmappedTelemetry } from '@protocol/model';

export interface UnmappedItem {
  label: string;
  description: string;
  detail: string;
}

/**
 * Quick pick text renders `$(name)` as an icon. Span names and routes are telemetry (untrusted), so
 * such sequences are escaped the way VS Code's own `escapeIcons` does and show as typed.
 */
export function noIcons(text: string): string {
  return text.replace(/(\\)?\$\([a-z0-9-]+?(?:~[a-z0-9-]*?)?\)/gi, (match, escaped: string | undefined) => (escaped ? match : `\\${match}`));
}

export function unmappedItem(u: UnmappedTelemetry): UnmappedItem {
  return {
    label: noIcons(u.name),
    description: noIcons(`${u.service}${u.route ? ` · ${u.route}` : ''}`) + ` · ${u.count} ${u.count === 1 ? 'span' : 'spans'}`,
    detail: `Why: ${UNMAPPED_REASONS[u.reason] ?? u.reason}`,
  };
}
