/** Config loading and validation: the public surface of src/config. */
export { loadConfig, loadConfigOrThrow, inspectConfig, formatDiagnostic, type LoadOptions } from './load.ts';
export { toAliasSpecs, toAliasSpec } from './alias-specs.ts';
export { builtinActions } from './builtins.ts';
export { builtinNotifyChannels } from './cross-refs.ts';
export { actionRef } from './load-actions.ts';
export { aliasId } from './load-aliases.ts';
export { expandEnv, type Env } from './env.ts';
export { collectSecrets } from './schema-walk.ts';
export { templateError } from './templates.ts';
export type * from './types.ts';
