/**
 * What a resource says about where telemetry came from: service, environment, deployed version and
 * commit, with the fallbacks DESIGN.md and the semantic conventions name (old names still in use).
 */
import type { Attributes } from './span';
import { attrString } from './any-value';

export interface ResourceIdentity {
  service: string;
  environment: string;
  version: string;
  commit: string | null;
  resource: Attributes;
}

/** The service name the OTel specification prescribes when a resource has none. */
export const UNKNOWN_SERVICE = 'unknown_service';

const ENVIRONMENT_KEYS = ['deployment.environment.name', 'deployment.environment'] as const;
const VERSION_KEYS = ['service.version', 'vcs.ref.head.revision', 'deployment.id'] as const;
const COMMIT_KEYS = ['vcs.ref.head.revision', 'git.commit.sha', 'vcs.revision', 'vcs.repository.ref.revision'] as const;

function firstPresent(attrs: Attributes, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = attrString(attrs, key);
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

export function resourceIdentity(resource: Attributes): ResourceIdentity {
  return {
    service: firstPresent(resource, ['service.name']) ?? UNKNOWN_SERVICE,
    environment: firstPresent(resource, ENVIRONMENT_KEYS) ?? '',
    version: firstPresent(resource, VERSION_KEYS) ?? '',
    commit: firstPresent(resource, COMMIT_KEYS) ?? null,
    resource,
  };
}
