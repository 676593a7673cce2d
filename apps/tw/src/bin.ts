#!/usr/bin/env node
// The `tw` executable. Everything happens in cli.ts; this only hands over argv and the exit code.
import { main } from './cli.js';

void main(process.argv).then((code) => {
  process.exitCode = code;
});
