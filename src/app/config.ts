import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { StartupError } from './startup-error.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const nonEmpty = z.string().trim().min(1, 'must not be empty');
// Only digits (or a JSON number) count: coercion would read '', ' ', null or [] as 0
// (a random port) and '0x10' or '1e3' as numbers nobody meant to write.
const integer = (min: number, max: number) =>
  z
    .union([z.number(), z.string()], { message: 'must be a whole number' })
    .transform((value, ctx) => {
      const text = typeof value === 'number' ? String(value) : value.trim();
      if (/^-?\d+$/.test(text)) return Number(text);
      ctx.addIssue({ code: 'custom', message: 'must be a whole number' });
      return z.NEVER;
    })
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])], {
    message: 'must be true, false, 1 or 0',
  })
  .transform((value) => value === true || value === 'true' || value === '1');

/**
 * Every setting, keyed by its environment variable. The config file uses the same keys.
 * Documented in docs/configuration.md; a test keeps the two in step.
 */
const settingsSchema = z.strictObject({
  CUSTODIA_DATA_DIR: nonEmpty.default('./data'),
  CUSTODIA_HOST: nonEmpty.default('127.0.0.1'),
  CUSTODIA_PORT: integer(0, 65_535).default(3000),
  CUSTODIA_DATABASE_URL: nonEmpty
    .refine((url) => /^postgres(ql)?:\/\/[^\s]+$/i.test(url), {
      message: 'must be a postgres:// or postgresql:// URL (leave it unset for SQLite)',
    })
    .optional(),
  CUSTODIA_DB_POOL_MAX: integer(1, 1000).default(10),
  CUSTODIA_KEYRING: nonEmpty.optional(),
  CUSTODIA_LOG_LEVEL: z
    .enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info'),
  CUSTODIA_TLS_CERT: nonEmpty.optional(),
  CUSTODIA_TLS_KEY: nonEmpty.optional(),
  CUSTODIA_BODY_LIMIT: integer(1024, 50 * 1024 * 1024).default(256 * 1024),
  CUSTODIA_RATE_LIMIT_MAX: integer(1, 1_000_000).default(600),
  CUSTODIA_RATE_LIMIT_WINDOW_MS: integer(1000, 86_400_000).default(60_000),
  CUSTODIA_RATE_LIMIT_STORE: z
    .enum(['memory', 'database'], { message: 'must be memory or database' })
    .optional(),
  CUSTODIA_TRUST_PROXY: flag.default(false),
  CUSTODIA_SHUTDOWN_TIMEOUT_MS: integer(100, 60_000).default(10_000),
  CUSTODIA_SMTP_URL: nonEmpty
    .refine((url) => /^smtps?:\/\/[^\s]+$/i.test(url), {
      message: 'must be an smtp:// or smtps:// URL (leave it unset to write mail to files)',
    })
    .optional(),
  CUSTODIA_MAIL_DIR: nonEmpty.default('./mail'),
  CUSTODIA_MAIL_FROM: nonEmpty.default('Custodia <no-reply@localhost>'),
  CUSTODIA_PUBLIC_URL: nonEmpty
    .refine((url) => /^https?:\/\/[^\s]+$/i.test(url), {
      message: 'must be an http:// or https:// URL',
    })
    .optional(),
  CUSTODIA_POLICY_VERSION: nonEmpty.default('1'),
  CUSTODIA_SESSION_IDLE_MINUTES: integer(1, 1440).default(30),
  CUSTODIA_SESSION_ABSOLUTE_HOURS: integer(1, 720).default(12),
  CUSTODIA_ROLES_FILE: nonEmpty.optional(),
  CUSTODIA_CURRENCY: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals, such as EUR')
    .default('EUR'),
  CUSTODIA_TAX_RATES: z
    .string()
    .trim()
    .regex(
      /^$|^[A-Z]{2}=\d{1,2}(\.\d{1,2})?(,[A-Z]{2}=\d{1,2}(\.\d{1,2})?)*$/,
      'must be a list such as NL=21,DE=19,US=0 (country code = percent, up to two decimals)',
    )
    .default(''),
  CUSTODIA_CART_TTL_HOURS: integer(1, 24 * 90).default(72),
  CUSTODIA_PAYMENT_PROVIDER: z
    .enum(['test'], { message: 'must be test (the built-in test provider)' })
    .default('test'),
  CUSTODIA_CARRIER: z
    .enum(['test'], { message: 'must be test (the built-in test carrier)' })
    .default('test'),
});

/** The names of every setting, for docs and the config-file check. */
export const SETTING_NAMES: readonly string[] = Object.freeze(Object.keys(settingsSchema.shape));

/** The validated, frozen configuration the whole process reads. */
export interface Config {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string | undefined;
  readonly dbPoolMax: number;
  readonly keyringPath: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly tls: { readonly certPath: string; readonly keyPath: string } | undefined;
  readonly bodyLimit: number;
  readonly rateLimit: {
    readonly max: number;
    readonly windowMs: number;
    readonly store: 'memory' | 'database';
  };
  readonly trustProxy: boolean;
  readonly shutdownTimeoutMs: number;
  readonly mail: {
    /** SMTP when set; otherwise each message becomes a file in `mailDir`. */
    readonly smtpUrl: string | undefined;
    /** Outside the data directory: delivered mail has left the system. */
    readonly mailDir: string;
    readonly from: string;
  };
  readonly identity: {
    /** The shop's public base URL, for links in mail. */
    readonly publicUrl: string;
    /** The policy version shown where consents are collected. */
    readonly policyVersion: string;
    readonly sessions: { readonly idleMs: number; readonly absoluteMs: number };
    /** A JSON file of the operator's own roles, added to the defaults. */
    readonly rolesFile: string | undefined;
  };
  readonly commerce: {
    /** The one currency the shop sells in (ISO 4217). */
    readonly currency: string;
    /** Tax by destination country, in basis points (21% = 2100); countries not listed pay none. */
    readonly taxRates: Readonly<Record<string, number>>;
    /** A cart untouched this long expires. */
    readonly cartTtlMs: number;
    readonly paymentProvider: 'test';
    readonly carrier: 'test';
  };
}

/** Where settings come from: the environment, and optionally a JSON file. */
export interface ConfigSources {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A JSON file with the same keys as the environment; the environment wins. */
  readonly file?: string | undefined;
  /** The directory relative paths are resolved against. */
  readonly cwd?: string;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new StartupError(`Config file ${file} cannot be read (${code})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StartupError(`Config file ${file} is not valid JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StartupError(`Config file ${file} must hold a JSON object of settings`);
  }
  return parsed as Record<string, unknown>;
}

function pickSettings(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of SETTING_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  return picked;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown setting ${issue.keys.join(', ')}`;
  const name = issue.path.join('.');
  // The value itself is never echoed: a database URL can carry a password.
  return `${name} ${issue.message}`;
}

/**
 * Reads, validates and freezes the configuration. A bad value throws a StartupError whose
 * one-line message names the setting and what is wrong with it.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const file = sources.file ?? env['CUSTODIA_CONFIG'];
  const fromFile = file === undefined || file === '' ? {} : readConfigFile(resolve(cwd, file));
  const result = settingsSchema.safeParse({ ...fromFile, ...pickSettings(env) });
  if (!result.success) {
    const first = result.error.issues[0];
    throw new StartupError(
      `Invalid setting: ${first === undefined ? 'unknown' : describeIssue(first)}`,
    );
  }
  const s = result.data;
  if ((s.CUSTODIA_TLS_CERT === undefined) !== (s.CUSTODIA_TLS_KEY === undefined)) {
    throw new StartupError(
      'Invalid setting: CUSTODIA_TLS_CERT and CUSTODIA_TLS_KEY must be set together (or neither)',
    );
  }
  const abs = (path: string) => (isAbsolute(path) ? path : resolve(cwd, path));
  const dataDir = abs(s.CUSTODIA_DATA_DIR);
  const mailDir = abs(s.CUSTODIA_MAIL_DIR);
  if (isInside(mailDir, dataDir)) {
    throw new StartupError(
      'Invalid setting: CUSTODIA_MAIL_DIR must be outside CUSTODIA_DATA_DIR (sent mail has left the system)',
    );
  }
  const usesPostgres = s.CUSTODIA_DATABASE_URL !== undefined;
  const config: Config = {
    dataDir,
    host: s.CUSTODIA_HOST,
    port: s.CUSTODIA_PORT,
    databaseUrl: s.CUSTODIA_DATABASE_URL,
    dbPoolMax: s.CUSTODIA_DB_POOL_MAX,
    keyringPath: abs(s.CUSTODIA_KEYRING ?? resolve(dataDir, 'keyring.json')),
    logLevel: s.CUSTODIA_LOG_LEVEL,
    tls:
      s.CUSTODIA_TLS_CERT !== undefined && s.CUSTODIA_TLS_KEY !== undefined
        ? { certPath: abs(s.CUSTODIA_TLS_CERT), keyPath: abs(s.CUSTODIA_TLS_KEY) }
        : undefined,
    bodyLimit: s.CUSTODIA_BODY_LIMIT,
    rateLimit: {
      max: s.CUSTODIA_RATE_LIMIT_MAX,
      windowMs: s.CUSTODIA_RATE_LIMIT_WINDOW_MS,
      // Several instances share one PostgreSQL, so their limits must be shared too.
      store: s.CUSTODIA_RATE_LIMIT_STORE ?? (usesPostgres ? 'database' : 'memory'),
    },
    trustProxy: s.CUSTODIA_TRUST_PROXY,
    shutdownTimeoutMs: s.CUSTODIA_SHUTDOWN_TIMEOUT_MS,
    mail: { smtpUrl: s.CUSTODIA_SMTP_URL, mailDir, from: s.CUSTODIA_MAIL_FROM },
    identity: {
      publicUrl: (s.CUSTODIA_PUBLIC_URL ?? `http://${s.CUSTODIA_HOST}:${s.CUSTODIA_PORT}`).replace(
        /\/+$/,
        '',
      ),
      policyVersion: s.CUSTODIA_POLICY_VERSION,
      sessions: {
        idleMs: s.CUSTODIA_SESSION_IDLE_MINUTES * 60_000,
        absoluteMs: s.CUSTODIA_SESSION_ABSOLUTE_HOURS * 3_600_000,
      },
      rolesFile: s.CUSTODIA_ROLES_FILE === undefined ? undefined : abs(s.CUSTODIA_ROLES_FILE),
    },
    commerce: {
      currency: s.CUSTODIA_CURRENCY,
      taxRates: parseTaxRates(s.CUSTODIA_TAX_RATES),
      cartTtlMs: s.CUSTODIA_CART_TTL_HOURS * 3_600_000,
      paymentProvider: s.CUSTODIA_PAYMENT_PROVIDER,
      carrier: s.CUSTODIA_CARRIER,
    },
  };
  return deepFreeze(config);
}

/** `NL=21,DE=19.5` → basis points per country; the pattern was checked by the schema. */
function parseTaxRates(list: string): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const entry of list === '' ? [] : list.split(',')) {
    const [country = '', percent = '0'] = entry.split('=');
    if (country in rates) {
      throw new StartupError(`Invalid setting: CUSTODIA_TAX_RATES lists ${country} twice`);
    }
    rates[country] = Math.round(Number(percent) * 100);
  }
  return rates;
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
