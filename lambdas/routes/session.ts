import {
  ForgotPasswordInput,
  NewPasswordInput,
  PasswordResetView,
  ResetPasswordInput,
  ResetRequestedView,
  SessionView,
  SignedOutView,
  SignInInput,
} from '../domain/sign-in.ts';
import { route } from './route.ts';

/**
 * The `session` group's routes: signing in for the console and the portal. The access token
 * comes back in the body (the page keeps it in memory); the refresh token only ever travels in
 * an HttpOnly cookie scoped to these routes (docs/adr/0013-browser-sessions.md).
 */
export const sessionRoutes = [
  route({
    operationId: 'signIn',
    idempotent: false,
    method: 'POST',
    path: '/session',
    group: 'session',
    auth: 'none',
    status: 200,
    summary: 'Sign in with e-mail and password',
    schemas: { body: SignInInput, response: SessionView },
  }),
  route({
    operationId: 'setNewPassword',
    idempotent: false,
    method: 'POST',
    path: '/session/new-password',
    group: 'session',
    auth: 'none',
    status: 200,
    summary: 'Choose a password at the first sign-in',
    schemas: { body: NewPasswordInput, response: SessionView },
  }),
  route({
    operationId: 'refreshSession',
    idempotent: false,
    method: 'POST',
    path: '/session/refresh',
    group: 'session',
    auth: 'none',
    status: 200,
    summary: 'A new access token for the session cookie',
    schemas: { response: SessionView },
  }),
  route({
    operationId: 'signOut',
    idempotent: false,
    method: 'POST',
    path: '/session/sign-out',
    group: 'session',
    auth: 'none',
    status: 200,
    summary: 'Sign out: the refresh token is revoked and the cookie cleared',
    schemas: { response: SignedOutView },
  }),
  route({
    operationId: 'forgotPassword',
    method: 'POST',
    path: '/session/forgot-password',
    group: 'session',
    auth: 'none',
    status: 200,
    summary: 'Forgot the password: a reset code goes to the e-mail, if it has an account',
    schemas: { body: ForgotPasswordInput, response: ResetRequestedView },
  }),
  route({
    operationId: 'resetPassword',
    method: 'POST',
    path: '/session/reset-password',
    group: 'session',
    auth: 'none',
    status: 200,
    summary: 'Choose a new password with the e-mailed reset code',
    schemas: { body: ResetPasswordInput, response: PasswordResetView },
  }),
] as const;
