import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CONSOLE_TYPES, consoleTypes } from '../../bin/console-types.ts';

describe('the console’s API client', () => {
  it('is typed from the current /openapi.json, so a changed route fails the console’s typecheck', async () => {
    const committed = await readFile(CONSOLE_TYPES, 'utf8');

    const current = await consoleTypes();

    // On a difference: npm run console:types, then npm run typecheck.
    expect(committed).toBe(current);
  });
});
