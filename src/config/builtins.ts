/** The built-in `core.*` actions: always present in `config.actions`, no file needed. */
import { actionSchema, builtinNames, type ParameterSpec } from './schema.ts';
import type { ActionConfig } from './types.ts';

const builtinParameters: Record<(typeof builtinNames)[number], { description: string; parameters: Record<string, ParameterSpec> }> = {
  help: {
    description: 'List the commands you may run',
    parameters: {
      filter: { type: 'string', description: 'only commands containing this text' },
      page: { type: 'integer', description: 'page of the listing', default: 1, minimum: 1 },
    },
  },
  status: {
    description: 'Show the status of an execution',
    parameters: { id: { type: 'string', required: true, description: 'execution id' } },
  },
  cancel: {
    description: 'Cancel a queued or running execution',
    parameters: { id: { type: 'string', required: true, description: 'execution id' } },
  },
  ping: { description: 'Answer pong', parameters: {} },
  echo: {
    description: 'Succeed with the parameters as the result',
    parameters: { message: { type: 'string', description: 'text to echo' } },
  },
  noop: { description: 'Do nothing, successfully', parameters: {} },
};

/** Fresh copies of the built-in actions, by ref (`core.help`...). */
export function builtinActions(): Map<string, ActionConfig> {
  const out = new Map<string, ActionConfig>();
  for (const name of builtinNames) {
    const { description, parameters } = builtinParameters[name];
    const ref = `core.${name}`;
    const action = actionSchema.parse({ name: ref, description, runner: 'builtin', builtin: name, parameters });
    out.set(ref, { ...action, ref });
  }
  return out;
}
