import { describe, expect, it } from 'vitest';
import { codesIn } from '../../bin/local/cognito.ts';

describe('the local runtime reading the Cognito emulator’s "sent" codes', () => {
  it('finds the destination and the code in the box the emulator prints', () => {
    const box = [
      '╭────────────────────────────────────╮',
      '│   Confirmation Code Delivery       │',
      '│                                    │',
      '│   Username:    4e7b4513-85c1       │',
      '│   Destination: fay@example.com     │',
      '│   Code:        704677              │',
      '╰────────────────────────────────────╯',
    ].join('\n');

    expect(codesIn(box)).toEqual([{ destination: 'fay@example.com', code: '704677' }]);
    expect(codesIn('│   Username: x │\n')).toEqual([]);
  });
});
