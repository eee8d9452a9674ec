import { describe, expect, it } from 'vitest';
import { readableLine } from '../../bin/local/access-log.ts';

describe('the local gateway’s readable lines', () => {
  it('print one access line per request: method, route template, status, time', () => {
    expect(
      readableLine({
        level: 'INFO',
        message: 'request',
        requestId: 'r-1',
        method: 'POST',
        route: '/licenses',
        status: 201,
        ms: 148,
        group: 'licenses',
      }),
    ).toBe('POST /licenses 201 148ms');
  });

  it('name the refusal of a request the gateway answered itself', () => {
    expect(
      readableLine({
        level: 'INFO',
        message: 'request',
        method: 'GET',
        status: 429,
        code: 'RATE_LIMITED',
      }),
    ).toBe('GET (no route) 429 RATE_LIMITED');
  });

  it('print other lines as level, message and their fields', () => {
    expect(
      readableLine({ level: 'ERROR', message: 'handler failed', requestId: 'r-2', group: 'seats' }),
    ).toBe('ERROR handler failed requestId=r-2 group=seats');
  });
});
