import { Command, InvalidArgumentError } from 'commander';
import { isAppError } from '../../platform/errors/index.js';
import { countKeys, retireKek, rotateKeys } from '../../privacy/keys/index.js';
import { StartupError } from '../../app/startup-error.js';
import { configFrom, withConfigOption, type ConfigFlags } from '../config-options.js';
import { withKernel } from '../open-kernel.js';
import { createProgress } from '../progress.js';

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError('must be a whole number above 0');
  return number;
}

/** Turns a typed key error into the CLI's one-line failure. */
async function oneLine<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error)) throw new StartupError(error.message);
    throw error;
  }
}

function statusCommand(): Command {
  return withConfigOption(
    new Command('status')
      .description('show the key-encryption key versions and how many data keys each one wraps')
      .option('--json', 'print the status as JSON'),
  ).action(async (flags: ConfigFlags & { json?: boolean }) => {
    const config = configFrom(flags);
    await withKernel(config, async ({ privacy, keysDb }) => {
      const counts = await countKeys(keysDb);
      const versions = privacy.kek.versions().map((info) => ({
        ...info,
        dataKeys: counts.byVersion.get(info.version) ?? 0,
      }));
      const status = {
        provider: privacy.kek.description,
        versions,
        shreddedSubjects: counts.shredded,
        rotation: privacy.kek.rotation() ?? null,
      };
      if (flags.json === true) {
        console.log(JSON.stringify(status, null, 2));
        return;
      }
      console.log(`KEK provider: ${status.provider}`);
      for (const version of versions) {
        const mark = version.current ? ' (current)' : '';
        console.log(
          `  version ${version.version}${mark}: ${version.dataKeys} data keys, created ${version.createdAt}`,
        );
      }
      console.log(`Shredded subjects: ${status.shreddedSubjects}`);
      if (status.rotation !== null) {
        console.log(
          `Rotation to version ${status.rotation.target} unfinished: run custodia keys rotate to resume`,
        );
      }
    });
  });
}

function rotateCommand(): Command {
  return withConfigOption(
    new Command('rotate')
      .description(
        'create a new key-encryption key version and rewrap every data key under it; safe to interrupt, run again to resume',
      )
      .option('--batch-size <n>', 'data keys rewrapped per transaction', positiveInteger, 1000),
  ).action(async (flags: ConfigFlags & { batchSize: number }) => {
    const config = configFrom(flags);
    await withKernel(config, ({ privacy, keysDb }) =>
      oneLine(async () => {
        const resuming = privacy.kek.rotation();
        const progress = createProgress('rewrapping', 'keys');
        const started = process.hrtime.bigint();
        const result = await rotateKeys(keysDb, privacy.kek, {
          batchSize: flags.batchSize,
          onStart: ({ target, total }) => {
            console.log(
              `${resuming === undefined ? 'Rotating' : 'Resuming rotation'} to KEK version ${target}`,
            );
            progress.start(total);
          },
          onProgress: ({ done }) => progress.update(done),
        });
        progress.stop();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const rate = seconds > 0 ? Math.round(result.done / seconds) : result.done;
        console.log(
          `Rotation complete: ${result.done} data keys now wrapped by version ${result.target} (${rate} keys/s)`,
        );
      }),
    );
  });
}

function retireCommand(): Command {
  return withConfigOption(
    new Command('retire')
      .description(
        'destroy an old key-encryption key version; refused while any data key still uses it',
      )
      .argument('<version>', 'the KEK version to retire', positiveInteger),
  ).action(async (version: number, flags: ConfigFlags) => {
    const config = configFrom(flags);
    await withKernel(config, ({ privacy, keysDb }) =>
      oneLine(async () => {
        await retireKek(keysDb, privacy.kek, version);
        console.log(`KEK version ${version} retired: its key material is destroyed`);
      }),
    );
  });
}

/** `custodia keys …`: status, rotation and retirement of key-encryption keys. */
export function keysCommand(): Command {
  return new Command('keys')
    .description('manage the key-encryption keys that protect every personal field')
    .addCommand(statusCommand())
    .addCommand(rotateCommand())
    .addCommand(retireCommand());
}
