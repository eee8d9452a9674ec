import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../api/client.ts';
import { call } from '../api/problem.ts';
import type { Answer } from '../api/types.ts';

export type Brand = Answer<'/brand', 'get'>;

/** The vendor's brand (the stage's config): read once, shown on every page. */
export const useBrand = (): Brand | undefined => {
  const query = useQuery({
    queryKey: ['brand'],
    queryFn: () => call(api().GET('/brand')),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const colour = query.data?.colour;
  useEffect(() => {
    if (colour) document.documentElement.style.setProperty('--brand', colour);
  }, [colour]);
  return query.data;
};

/** The vendor's logo, or its name, where the header names the product. */
export const BrandMark = ({ brand }: { brand: Brand | undefined }) => {
  if (!brand) return <span className="brand">&nbsp;</span>;
  return brand.logoUrl ? (
    <span className="brand">
      <img src={brand.logoUrl} alt={brand.name} height={28} />
    </span>
  ) : (
    <span className="brand">{brand.name}</span>
  );
};
