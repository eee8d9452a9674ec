import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keepLicenseFresh, type RefreshAnswer } from '../../sdk/src/refresh.ts';

const HOUR = 3_600_000;
const T0 = new Date('2026-11-30T12:00:00Z').getTime();

const answer = (refreshBy: number): RefreshAnswer => ({
  activationId: 'act_1',
  licenseFile: `file-${refreshBy}`,
  refreshBy: new Date(refreshBy).toISOString(),
});
const refused = (code: string) => Object.assign(new Error(code), { status: 409, code });
const unreachable = () => new TypeError('fetch failed');

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('keepLicenseFresh', () => {
  it('renews a tenth of the time left before refresh-by, stores the new file, and goes on from it', async () => {
    const refresh = vi.fn(async () => answer(Date.now() + 10 * HOUR));
    const stored: string[] = [];
    const loop = keepLicenseFresh({
      client: { refresh },
      refreshBy: new Date(T0 + 10 * HOUR),
      onRenewed: (a) => {
        stored.push(a.licenseFile);
      },
    });

    await vi.advanceTimersByTimeAsync(9 * HOUR - 1);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(stored).toEqual([`file-${T0 + 19 * HOUR}`]);
    await vi.advanceTimersByTimeAsync(9 * HOUR);
    expect(refresh).toHaveBeenCalledTimes(2);
    loop.stop();
  });

  it('retries network failures with growing waits, long before the file runs out', async () => {
    const refresh = vi
      .fn<() => Promise<RefreshAnswer>>()
      .mockRejectedValueOnce(unreachable())
      .mockRejectedValueOnce(Object.assign(new Error('busy'), { status: 503, code: 'UNAVAILABLE' }))
      .mockResolvedValue(answer(T0 + 48 * HOUR));
    const waits: number[] = [];
    const onRenewed = vi.fn();
    keepLicenseFresh({
      client: { refresh },
      refreshBy: new Date(T0 + 20 * 60_000),
      onRenewed,
      onRetry: (_e, ms) => waits.push(ms),
    }).refreshNow();

    await vi.advanceTimersByTimeAsync(20_000);
    expect(waits).toEqual([5_000, 10_000]);
    expect(onRenewed).toHaveBeenCalledTimes(1);
  });

  it('reports a refusal once however often it asks again, and again only after a renewal', async () => {
    const refresh = vi
      .fn<() => Promise<RefreshAnswer>>()
      .mockRejectedValueOnce(refused('LICENSE_SUSPENDED'))
      .mockRejectedValueOnce(refused('LICENSE_SUSPENDED'))
      .mockRejectedValueOnce(refused('LICENSE_SUSPENDED'))
      .mockResolvedValueOnce(answer(T0 + 100 * HOUR))
      .mockRejectedValue(refused('LICENSE_REVOKED'));
    const onRefused = vi.fn();
    const loop = keepLicenseFresh({
      client: { refresh },
      refreshBy: new Date(T0),
      onRenewed: () => {},
      onRefused,
      refusedRetryMs: HOUR,
      aheadMs: HOUR,
    });

    await vi.advanceTimersByTimeAsync(3 * HOUR);
    expect(refresh).toHaveBeenCalledTimes(4);
    expect(onRefused).toHaveBeenCalledTimes(1);
    expect(onRefused).toHaveBeenCalledWith(
      expect.objectContaining({ status: 409, code: 'LICENSE_SUSPENDED' }),
    );
    await vi.advanceTimersByTimeAsync(100 * HOUR);
    expect(onRefused).toHaveBeenCalledTimes(2);
    expect(onRefused).toHaveBeenLastCalledWith(
      expect.objectContaining({ code: 'LICENSE_REVOKED' }),
    );
    loop.stop();
  });

  it('asks nothing more once stopped, and runs one refresh at a time', async () => {
    let release: (a: RefreshAnswer) => void = () => {};
    const refresh = vi.fn(() => new Promise<RefreshAnswer>((r) => (release = r)));
    const loop = keepLicenseFresh({
      client: { refresh },
      refreshBy: new Date(T0 + HOUR),
      onRenewed: () => {},
    });
    const first = loop.refreshNow();
    const second = loop.refreshNow();
    expect(refresh).toHaveBeenCalledTimes(1);
    loop.stop();
    release(answer(T0 + 2 * HOUR));
    await Promise.all([first, second]);
    await vi.advanceTimersByTimeAsync(10 * HOUR);
    expect(refresh).toHaveBeenCalledTimes(1);
  });
});
