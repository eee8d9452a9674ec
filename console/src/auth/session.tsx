import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import {
  api,
  refreshSession,
  type SignedInPerson,
  setAccessToken,
  whenSignedOut,
} from '../api/client.ts';
import { call } from '../api/problem.ts';

type SessionState =
  | { status: 'checking' }
  | { status: 'signedOut'; reason?: 'expired' | 'signedOut' }
  | { status: 'signedIn'; person: SignedInPerson };

export type SignInStep =
  | { status: 'SIGNED_IN' }
  | { status: 'NEW_PASSWORD_REQUIRED' | 'MFA_REQUIRED'; session: string };

interface Session {
  state: SessionState;
  signIn(email: string, password: string): Promise<SignInStep>;
  newPassword(email: string, session: string, newPassword: string): Promise<SignInStep>;
  /** The authenticator app's code, for a sign-in that answered MFA_REQUIRED. */
  answerMfa(email: string, session: string, code: string): Promise<SignInStep>;
  signOut(): Promise<void>;
}

const Context = createContext<Session | undefined>(undefined);

/**
 * Who is signed in. The access token stays in memory; a reload or a new tab gets a new one from
 * the HttpOnly refresh cookie (ADR 0013), so nothing private survives in the page's storage.
 */
export const SessionProvider = ({ children }: { children: ReactNode }) => {
  const [state, setState] = useState<SessionState>({ status: 'checking' });
  const queries = useQueryClient();

  const end = useCallback(
    (reason: 'expired' | 'signedOut') => {
      setAccessToken(undefined);
      // Nothing a previous person saw stays in the cache for the next one.
      queries.clear();
      setState({ status: 'signedOut', reason });
    },
    [queries],
  );

  useEffect(() => {
    whenSignedOut(() => end('expired'));
    void refreshSession().then((person) =>
      setState(person ? { status: 'signedIn', person } : { status: 'signedOut' }),
    );
  }, [end]);

  const value = useMemo<Session>(() => {
    const signedIn = (answer: {
      status: string;
      accessToken?: string;
      session?: string;
      person?: SignedInPerson;
    }): SignInStep => {
      if (
        (answer.status === 'NEW_PASSWORD_REQUIRED' || answer.status === 'MFA_REQUIRED') &&
        answer.session
      ) {
        return { status: answer.status, session: answer.session };
      }
      if (!answer.accessToken || !answer.person) throw new Error('unexpected sign-in answer');
      setAccessToken(answer.accessToken);
      setState({ status: 'signedIn', person: answer.person });
      return { status: 'SIGNED_IN' };
    };
    return {
      state,
      signIn: async (email, password) =>
        signedIn(await call(api().POST('/session', { body: { email, password } }))),
      newPassword: async (email, session, newPassword) =>
        signedIn(
          await call(
            api().POST('/session/new-password', { body: { email, session, newPassword } }),
          ),
        ),
      answerMfa: async (email, session, code) =>
        signedIn(await call(api().POST('/session/mfa', { body: { email, session, code } }))),
      signOut: async () => {
        await call(api().POST('/session/sign-out', {})).catch(() => undefined);
        end('signedOut');
      },
    };
  }, [state, end]);

  return <Context.Provider value={value}>{children}</Context.Provider>;
};

export const useSession = (): Session => {
  const value = useContext(Context);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
};
