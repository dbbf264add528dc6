import { randomBytes } from 'node:crypto';

// Prints a fresh ENCRYPTION_KEY; the only output is the key so it can be piped into a secret store.
process.stdout.write(`${randomBytes(32).toString('base64')}\n`);
