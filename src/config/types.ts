/**
 * The loaded, validated config that runtime code receives. Produced by `loadConfig` (src/config/load.ts);
 * everything here has passed schema and cross-reference checks, so runtime code may trust it.
 */
import type { ActionFile, AliasFile, ChannelConfig, MainConfig, RuleConfig } from './schema.ts';

/** Where a value was written: for `file:line:col  path: message` reports. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

export interface Diagnostic extends SourcePosition {
  /** dotted path inside the file, e.g. `formats.1.representation.0` */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

/** An action, with its ref resolved (`pack.name`) and, for files, where it came from. */
export interface ActionConfig extends ActionFile {
  ref: string;
  file?: string;
}

/** An alias, with its unique id (`PACK.name`, or `name` when it has no pack). */
export interface AliasConfig extends AliasFile {
  id: string;
  file: string;
}

export interface Config {
  /** absolute path of the config folder */
  dir: string;
  main: MainConfig;
  /** by ref, including the built-in `core.*` actions */
  actions: Map<string, ActionConfig>;
  aliases: AliasConfig[];
  /** by channel name */
  channels: Map<string, ChannelConfig>;
  rules: RuleConfig[];
  /** every secret value found in the config (schema-marked fields), for redaction */
  secrets: string[];
}

export type { ActionFile, AliasFile, ChannelConfig, MainConfig, RuleConfig };
