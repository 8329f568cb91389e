/**
 * The route index's entry point: `routeExtractor` reads each parsed file into small facts and joins
 * them across the workspace into `RouteDef`s (Express, Fastify, NestJS, Flask, FastAPI, Django,
 * Spring, Go net/http, gRPC). `normalizeRoute` and the matchers are what the mapper compares with.
 */
import type { Node } from 'web-tree-sitter';
import type { Language, RouteDef, RouteExtractor, SymbolDef } from '../types';
import { isEmpty, type RouteFacts } from './facts';
import { goFacts } from './go-http';
import { jsFacts } from './js-facts';
import { RouteJoiner } from './join';
import { pythonFacts } from './python-facts';
import { javaFacts } from './spring';

export type { RouteFacts } from './facts';
export { asHttpMethod, joinPaths, normalizeRoute, normalizeRpc, parseGoPattern, routeMatches, rpcMatches } from './normalize';

/** The standard route reader; parse workers run it, so an index using it can parse in workers. */
export function standardFactsFor(file: string, language: Language, root: Node, source: string): RouteFacts | null {
  const facts = readFacts(file, language, root, source);
  // An empty `__init__.py` still makes its directory a package, which decides module names.
  if (isEmpty(facts) && !file.endsWith('__init__.py')) return null;
  return facts;
}

function readFacts(file: string, language: Language, root: Node, source: string): RouteFacts {
  switch (language) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
      return jsFacts(file, language, root, source);
    case 'python':
      return pythonFacts(file, root);
    case 'go':
      return goFacts(file, root);
    case 'java':
      return javaFacts(file, root, source);
  }
}

/** A route extractor with its own join cache; use one per workspace index. */
export function createRouteExtractor(): RouteExtractor<RouteFacts> {
  const joiner = new RouteJoiner();
  return {
    factsFor: standardFactsFor,
    join: (facts: ReadonlyMap<string, RouteFacts>, symbolsIn: (file: string) => readonly SymbolDef[]): RouteDef[] => joiner.join(facts, symbolsIn),
    withoutLines: factsWithoutLines,
  };
}

/** Every `line` field and the line values of `decls` dropped; declaration names stay. Ids that embed
 * a position (`λ12:4`) keep it, which only makes a change look bigger than it is. */
function factsWithoutLines(facts: RouteFacts): string {
  return JSON.stringify(facts, (key, value: unknown) => (key === 'line' ? undefined : key === 'decls' ? Object.keys(value as object) : value));
}

/** The shared extractor. Its cache only saves work; two workspaces using it alternately stay correct. */
export const routeExtractor: RouteExtractor<RouteFacts> = createRouteExtractor();
