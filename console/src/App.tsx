import { useEffect } from 'react';
import { useSession } from './auth/session.tsx';
import { Audit } from './pages/audit/Audit.tsx';
import { CustomerPage } from './pages/customers/CustomerPage.tsx';
import { Customers } from './pages/customers/Customers.tsx';
import { Dashboard } from './pages/Dashboard.tsx';
import { LicensePage } from './pages/license/LicensePage.tsx';
import { Licenses } from './pages/licenses/Licenses.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { People } from './pages/people/People.tsx';
import { Products } from './pages/products/Products.tsx';
import { AllRelays } from './pages/relays/AllRelays.tsx';
import { Security } from './pages/Security.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { TicketPage } from './pages/tickets/TicketPage.tsx';
import { Tickets } from './pages/tickets/Tickets.tsx';
import { Tokens } from './pages/tokens/Tokens.tsx';
import { Trials } from './pages/trials/Trials.tsx';
import { type Route, useRoute } from './router.ts';
import { LanguagePicker, Shell } from './Shell.tsx';
import { Loading } from './ui/Loading.tsx';

const Page = ({ route }: { route: Route }) => {
  switch (route.page) {
    case 'dashboard':
      return <Dashboard />;
    case 'licenses':
      return <Licenses q={route.q} />;
    case 'license':
      return <LicensePage licenseId={route.licenseId} />;
    case 'products':
      return <Products />;
    case 'customers':
      return <Customers />;
    case 'customer':
      return <CustomerPage customerId={route.customerId} />;
    case 'people':
      return <People />;
    case 'tokens':
      return <Tokens />;
    case 'audit':
      return <Audit />;
    case 'trials':
      return <Trials />;
    case 'relays':
      return <AllRelays />;
    case 'tickets':
      return <Tickets />;
    case 'ticket':
      return <TicketPage ticketId={route.ticketId} />;
    case 'security':
      return <Security />;
    case 'notFound':
      return <NotFound />;
  }
};

export const App = () => {
  const session = useSession();
  const route = useRoute();
  // Each page names itself, so a screen reader (and the tab strip) says where one is.
  useEffect(() => {
    document.title = `Tessera · ${route.page}`;
  }, [route.page]);
  if (session.state.status === 'checking') return <Loading />;
  if (session.state.status === 'signedOut') {
    return (
      <>
        <div className="top signed-out">
          <LanguagePicker />
        </div>
        <SignIn reason={session.state.reason} />
      </>
    );
  }
  return (
    <Shell route={route}>
      <Page key={JSON.stringify(route)} route={route} />
    </Shell>
  );
};
