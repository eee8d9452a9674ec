import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

/**
 * A cursor-paginated list: the API hands out opaque cursors, so going back means remembering
 * the cursors that led here. A new `key` (a new search) starts again at the first page.
 */
export const usePaged = <T>(
  key: readonly unknown[],
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
) => {
  const [pages, setPages] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: JSON.stringify(key),
    cursors: [undefined],
  });
  const keyText = JSON.stringify(key);
  const cursors = pages.key === keyText ? pages.cursors : [undefined];
  const cursor = cursors.at(-1);
  const query = useQuery({
    queryKey: [...key, 'page', cursor ?? null],
    queryFn: () => fetchPage(cursor),
    placeholderData: keepPreviousData,
    // A list opened again shows what it held at once, and what others changed a moment later.
    refetchOnMount: 'always',
  });
  const nextCursor = query.data?.nextCursor ?? undefined;
  return {
    query,
    items: query.data?.items ?? [],
    pageNumber: cursors.length,
    hasNext: nextCursor !== undefined,
    hasPrevious: cursors.length > 1,
    next: () => {
      if (nextCursor) setPages({ key: keyText, cursors: [...cursors, nextCursor] });
    },
    previous: () => setPages({ key: keyText, cursors: cursors.slice(0, -1) }),
  };
};
