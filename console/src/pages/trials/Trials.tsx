import { useSession } from '../../auth/session.tsx';
import { CompanyTrials } from './CompanyTrials.tsx';
import { TrialQueue } from './TrialQueue.tsx';

/** Trials: the approval queue for a vendor admin; the company's trials for a customer's people. */
export const Trials = () => {
  const session = useSession();
  const person = session.state.status === 'signedIn' ? session.state.person : undefined;
  if (person?.customerId) {
    return (
      <CompanyTrials customerId={person.customerId} canRequest={person.role === 'customer-admin'} />
    );
  }
  return <TrialQueue />;
};
