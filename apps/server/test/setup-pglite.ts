import { inject } from 'vitest';
import { useMemoryTemplate, useWorkerScript } from '../src/db/pglite-thread.js';
import { readPgliteTemplate } from './pglite-template.js';

// Every in-memory PGlite this test file opens starts from the run's migrated template, read when
// the first one opens (a file that opens none reads nothing), in the worker compiled for the run
// (global-setup.ts).
const file = inject('pgliteTemplate');
let template: Blob | undefined;
if (file) useMemoryTemplate(() => (template ??= readPgliteTemplate(file)));
const worker = inject('pgliteWorker');
if (worker) useWorkerScript(new URL(worker));
