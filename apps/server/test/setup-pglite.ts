import { inject } from 'vitest';
import { useMemoryTemplate } from '../src/db/pglite-thread.js';
import { readPgliteTemplate } from './pglite-template.js';

// Every in-memory PGlite this test file opens starts from the run's migrated template (global-setup.ts).
const file = inject('pgliteTemplate');
if (file) useMemoryTemplate(readPgliteTemplate(file));
