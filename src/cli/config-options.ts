import type { Command } from 'commander';
import { loadConfig, type Config } from '../app/config.js';

/** Options every command that reads config accepts. */
export interface ConfigFlags {
  config?: string;
}

/** Loads config from the environment, the `--config` file, and flag overrides. */
export function configFrom(
  flags: ConfigFlags,
  overrides: Record<string, string | undefined> = {},
): Config {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) env[key] = value;
  return loadConfig({ env, file: flags.config ?? process.env['CUSTODIA_CONFIG'] });
}

/** Adds `--config <file>` to a command. */
export function withConfigOption(command: Command): Command {
  return command.option(
    '-c, --config <file>',
    'JSON file of settings (the environment wins over it)',
  );
}
