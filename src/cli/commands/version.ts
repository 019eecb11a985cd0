import { Command } from 'commander';
import { VERSION } from '../../app/version.js';

/** `custodia version`: print the version of Custodia and of Node.js. */
export function versionCommand(): Command {
  return new Command('version').description('print the Custodia version').action(() => {
    console.log(`custodia ${VERSION} (node ${process.versions.node})`);
  });
}
