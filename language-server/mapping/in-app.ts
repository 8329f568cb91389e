/**
 * Library, runtime and framework frames by each runtime's conventions. A frame that passes here is
 * only a candidate: resolution still requires its file to map into the workspace, because a path
 * suffix such as `decoder.py` alone could otherwise pull a standard-library frame onto a workspace
 * file of the same name.
 */
import type { StackRuntime } from './types';

/** Path fragments that mark installed dependencies or runtime sources in any language. */
const LIBRARY_PATH = /(?:^|\/)(?:node_modules|site-packages|dist-packages|vendor\/bundle|gems|pkg\/mod)\/|^\/usr\/(?:local\/)?lib\/|^<|\/lib\/python\d+(?:\.\d+)?\/|\/lib\/ruby\//;

const NODE_INTERNAL = /^(?:node:|internal\/|bun:|native )/;
const GOROOT_PATH = /^(?:\/usr\/local\/go|\/usr\/lib\/go[^/]*|\/opt\/go[^/]*|\/usr\/share\/go[^/]*)\/src\/|\/goroot\/src\//;
const GO_STD_FUNCTION = /^(?:runtime|internal|net|reflect|sync|testing|syscall|os|database|encoding|crypto|io|bufio|context|fmt|log|errors|strconv|strings|bytes|time|sort|slices|maps)(?:[./]|$)/;
const JVM_LIBRARY = /^(?:java|javax|jakarta|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|org\.springframework|org\.apache|org\.hibernate|org\.eclipse|org\.junit|io\.netty|io\.micrometer|io\.opentelemetry|reactor|com\.fasterxml|com\.zaxxer|ch\.qos|org\.slf4j)\./;
const DOTNET_LIBRARY = /^(?:System|Microsoft|MS|Newtonsoft|Npgsql|Grpc|Polly|Serilog|Castle|NHibernate|lambda_method\d*)(?:[.(]|$)/;

export function isLibraryFrame(runtime: StackRuntime, fn: string, file: string | null): boolean {
  if (file !== null && LIBRARY_PATH.test(file)) return true;
  switch (runtime) {
    case 'v8':
      return file === null || NODE_INTERNAL.test(file);
    case 'python':
      return file === null || file.startsWith('<frozen ');
    case 'java':
      return JVM_LIBRARY.test(fn) || fn.includes('$$Lambda');
    case 'go':
      return (file !== null && GOROOT_PATH.test(file)) || GO_STD_FUNCTION.test(fn);
    case 'dotnet':
      return DOTNET_LIBRARY.test(fn);
    case 'ruby':
      return file === null || file.startsWith('<internal:');
  }
}
