import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { type ApiSettings, configureApi } from './api/client.ts';
import { ApiError } from './api/problem.ts';
import { SessionProvider } from './auth/session.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import './styles.css';

/** Where the API is: config.json beside index.html ('' locally, '/v1' behind CloudFront). */
const settings = async (): Promise<ApiSettings> => {
  try {
    const answer = await fetch('/config.json', { cache: 'no-store' });
    if (answer.ok) return (await answer.json()) as ApiSettings;
  } catch {
    // No config: the API sits at the root, as `npm start` serves it.
  }
  return { apiBase: '' };
};

configureApi(await settings());

const queries = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal will not change by asking again; a network failure might.
      retry: (count, error) => !(error instanceof ApiError) && count < 2,
      staleTime: 10_000,
      refetchOnWindowFocus: false,
    },
  },
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queries}>
        <I18nProvider>
          <SessionProvider>
            <App />
          </SessionProvider>
        </I18nProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
