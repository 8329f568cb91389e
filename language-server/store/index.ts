/** The store's public surface: the rest of the server imports from here only. */
export { openStore, StoreFileError, StoreVersionError } from './database';
export { Store, DeployMarkerError } from './store';
export { StoreDataError } from './exemplars';
export { SCHEMA_VERSION } from './migrations';
export type * from './types';
export type { FunctionRoutes, RouteCalls } from './tables/function-routes';
