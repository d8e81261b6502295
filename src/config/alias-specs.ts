/** Maps loaded aliases to the alias engine's {@link AliasSpec}s. */
import type { AliasSpec } from '../aliases/types.ts';
import type { AliasConfig, Config } from './types.ts';

/** One alias as the engine sees it, joined with its action's parameter schema. */
export function toAliasSpec(alias: AliasConfig, actions: Config['actions']): AliasSpec {
  const action = actions.get(alias.action_ref);
  return {
    id: alias.id,
    action: alias.action_ref,
    enabled: alias.enabled,
    formats: alias.formats,
    immutableParameters: alias.immutable_parameters,
    ...(action ? { parameters: action.parameters } : {}),
    ...(action?.runner === 'shell' ? { argv: true } : {}),
    ...(alias.description !== undefined ? { description: alias.description } : {}),
  };
}

/**
 * Every alias of the config as an engine spec.
 *
 * @example
 * const { matcher } = compileAliases(toAliasSpecs(config));
 */
export function toAliasSpecs(config: Pick<Config, 'aliases' | 'actions'>): AliasSpec[] {
  return config.aliases.map((alias) => toAliasSpec(alias, config.actions));
}
