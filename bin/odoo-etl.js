#!/usr/bin/env node
// The CLI runs straight from the TypeScript sources: tsx is registered as the ESM loader here,
// so `npm ci` is the only set-up step (no build).
import { register } from 'tsx/esm/api';

register();
const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });
