#!/usr/bin/env node
import { buildProgram } from './program.js';
import { reportCliError } from './cli-error.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => reportCliError(error));
