/**
 * The local gateway's lines as a person reads them: one access line per request
 * (`POST /licenses 201 148ms`), other lines as `LEVEL message key=value …`. Routes are templates,
 * never concrete paths (paths carry ids and keys). `TESSERA_LOG_FORMAT=json` prints the
 * structured lines instead, for tools.
 */
export const readableLine = (line: Record<string, unknown>): string => {
  const { level, message, method, route, status, ms, code, ...rest } = line;
  if (message === 'request') {
    const target = typeof route === 'string' ? route : '(no route)';
    const took = typeof ms === 'number' ? ` ${ms}ms` : '';
    const why = typeof code === 'string' ? ` ${code}` : '';
    return `${String(method ?? '?')} ${target} ${String(status)}${took}${why}`;
  }
  const details = Object.entries({ code, ...rest })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(level ?? 'INFO')} ${String(message ?? '')}${details ? ` ${details}` : ''}`;
};

export const localLogger = (format: string | undefined) =>
  format?.toLowerCase() === 'json'
    ? (line: Record<string, unknown>) => console.log(JSON.stringify(line))
    : (line: Record<string, unknown>) => console.log(readableLine(line));
