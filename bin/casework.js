#!/usr/bin/env node
// `npx casework`: runs the TypeScript command line through tsx's loader, as `npm start` does.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
