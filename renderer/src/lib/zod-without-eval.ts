// zod 4 speeds up object parsing by compiling validators with `new Function`,
// after probing whether eval is allowed. Our CSP forbids eval, so the probe
// fails (harmlessly) but still logs a CSP violation on every start. Telling zod
// up front skips the probe. This must run before any schema parses, and
// shared/ipc-contract.ts parses at load (DEFAULT_SETTINGS), so main.tsx imports
// this module first.
import { z } from 'zod';

z.config({ jitless: true });
