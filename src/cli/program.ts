import { Command } from 'commander';
import { VERSION } from '../app/version.js';
import { auditCommand } from './commands/audit.js';
import { demoCommand } from './commands/demo.js';
import { keysCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';
import { staffCommand } from './commands/staff.js';
import { startCommand } from './commands/start.js';
import { versionCommand } from './commands/version.js';

/** The `custodia` command line: every command explains itself with `--help`. */
export function buildProgram(): Command {
  return new Command('custodia')
    .description('Custodia: a commerce backend that enforces its privacy policy in code')
    .version(VERSION, '-v, --version', 'print the version')
    .addCommand(startCommand())
    .addCommand(migrateCommand())
    .addCommand(versionCommand())
    .addCommand(keysCommand())
    .addCommand(staffCommand())
    .addCommand(auditCommand())
    .addCommand(demoCommand())
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nSettings come from CUSTODIA_* environment variables or a JSON file (--config).\nSee docs/configuration.md.',
    );
}
