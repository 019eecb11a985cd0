import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { openIdentityModule } from '../../app/identity-module.js';
import { systemClock } from '../../platform/clock.js';
import { createAppLogger } from '../../app/app-logger.js';
import { emailSchema } from '../../identity/customers/index.js';
import { createStaff } from '../../identity/staff/index.js';
import { AppError, platformErrors } from '../../platform/errors/index.js';
import { configFrom, withConfigOption, type ConfigFlags } from '../config-options.js';
import { withKernel } from '../open-kernel.js';

interface CreateFlags extends ConfigFlags {
  email: string;
  role: string[];
  password?: string;
  json?: boolean;
}

// 20 random bytes as base64url: 160 bits, well past the 12-character minimum.
const generatedPassword = () => randomBytes(20).toString('base64url');

// No default list: commander then reports a missing --role as a missing option.
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The address as the Admin API would accept it; checked before the database is opened. */
function validEmail(value: string): string {
  const parsed = emailSchema.safeParse(value);
  if (!parsed.success) {
    // The message names the option, never the value typed.
    throw new AppError(platformErrors.VALIDATION_FAILED, {
      message: '--email must be an email address',
    });
  }
  return parsed.data;
}

/** `custodia staff create`: the first admin, and any account an operator scripts. */
function createCommand(): Command {
  return withConfigOption(
    new Command('create')
      .description(
        'create a staff account with a password and an enrolled authenticator (TOTP); prints them once',
      )
      .requiredOption('--email <email>', 'the staff member’s work email address')
      .requiredOption(
        '--role <role>',
        'a role: support_agent, fulfilment, finance, privacy_officer, security_officer, admin, or one from the roles file (repeatable)',
        collect,
      )
      .option('--password <password>', 'the initial password (generated when absent)')
      .option(
        '--json',
        'print {id, email, role, password, totpSecret, recoveryCodes} as JSON for scripts',
      ),
  ).action(async (flags: CreateFlags) => {
    const email = validEmail(flags.email);
    const config = configFrom(flags);
    const password = flags.password ?? generatedPassword();
    const created = await withKernel(config, async ({ database, privacy }) => {
      const identity = openIdentityModule(
        config,
        database,
        privacy,
        systemClock,
        createAppLogger({ logLevel: 'silent' }),
      );
      try {
        return await createStaff(
          identity.staff,
          { email, roles: flags.role, password },
          { kind: 'system', name: 'cli' },
          null,
        );
      } finally {
        await identity.close();
      }
    });
    const enrolment = created.enrolment;
    if (flags.json === true) {
      process.stdout.write(
        `${JSON.stringify({
          id: created.id,
          email: created.email,
          role: created.roles.join(','),
          password,
          totpSecret: enrolment?.totpSecret,
          otpauthUri: enrolment?.otpauthUri,
          recoveryCodes: enrolment?.recoveryCodes,
        })}\n`,
      );
      return;
    }
    process.stdout.write(
      [
        `Created staff account ${created.id} (${created.roles.join(', ')}).`,
        '',
        `  password:       ${password}`,
        `  TOTP secret:    ${enrolment?.totpSecret ?? ''}`,
        `  otpauth URI:    ${enrolment?.otpauthUri ?? ''}`,
        `  recovery codes: ${(enrolment?.recoveryCodes ?? []).join(' ')}`,
        '',
        'These are shown once. Add the secret to an authenticator app, keep the recovery codes',
        'somewhere safe, and log in with POST /admin/sessions {email, password, totp}.',
        '',
      ].join('\n'),
    );
  });
}

/** `custodia staff …`: staff account management. */
export function staffCommand(): Command {
  return new Command('staff').description('manage staff accounts').addCommand(createCommand());
}
