import type { ComponentType } from "preact";
import { useEffect } from "preact/hooks";
import { ErrorBoundary, LocationProvider, lazy, Route, Router } from "preact-iso";
import { session } from "./auth/session.ts";
import { config } from "./config.ts";
import { isLocale, ready, switchLocale } from "./i18n/index.ts";
import { Layout } from "./layout.tsx";
import { consentPostponed, me, member, needsSecondStep, refreshMe, refreshUnread } from "./state.ts";
import { Loading } from "./ui/page.tsx";

// Every screen is its own chunk, fetched when first visited.
// The development issuer's page locally; the city's managed login in the cloud.
const SignIn = lazy(() =>
  config().auth.kind === "cognito" ? import("./pages/sign-in-cloud.tsx") : import("./pages/sign-in-dev.tsx"),
);
const Join = lazy(() => import("./pages/join.tsx"));
const Membership = lazy(() => import("./pages/membership.tsx"));
const Home = lazy(() => import("./pages/home.tsx"));
const Profile = lazy(() => import("./pages/profile.tsx"));
const NewPost = lazy(() => import("./pages/post-new.tsx"));
const EditPost = lazy(() => import("./pages/post-edit.tsx"));
const PostPage = lazy(() => import("./pages/post.tsx"));
const Find = lazy(() => import("./pages/find.tsx"));
const FindMap = lazy(() => import("./pages/find-map.tsx"));
const MyPosts = lazy(() => import("./pages/my-posts.tsx"));
const Matches = lazy(() => import("./pages/matches.tsx"));
const PostMatches = lazy(() => import("./pages/post-matches.tsx"));
const Exchanges = lazy(() => import("./pages/exchanges.tsx"));
const ExchangePage = lazy(() => import("./pages/exchange.tsx"));
const NewExchange = lazy(() => import("./pages/exchange-new.tsx"));
const Balance = lazy(() => import("./pages/balance.tsx"));
const Inbox = lazy(() => import("./pages/inbox.tsx"));
const Conversations = lazy(() => import("./pages/conversations.tsx"));
const ConversationPage = lazy(() => import("./pages/conversation.tsx"));
const MyData = lazy(() => import("./pages/my-data.tsx"));
const Consent = lazy(() => import("./pages/consent.tsx"));
const NotFound = lazy(() => import("./pages/not-found.tsx"));
const SecondStep = lazy(() => import("./pages/second-step.tsx"));
/**
 * A staff screen, or, for a coordinator or admin whose sign-in did not pass a second factor, the
 * page that sets one up: the API would refuse every call of the screen (403 MFA_REQUIRED).
 */
function staff<P>(Screen: ComponentType<P>): ComponentType<P> {
  return (props: P) => (needsSecondStep.value ? <SecondStep /> : <Screen {...(props as P & object)} />);
}

// Staff screens: only coordinators and organisation admins ever download them.
const StaffHome = staff(lazy(() => import("./staff/home.tsx")));
const StaffQueue = staff(lazy(() => import("./staff/queue.tsx")));
const StaffMembers = staff(lazy(() => import("./staff/members.tsx")));
const StaffMember = staff(lazy(() => import("./staff/member.tsx")));
const StaffRegister = staff(lazy(() => import("./staff/register.tsx")));
const StaffDisputes = staff(lazy(() => import("./staff/disputes.tsx")));
const StaffQuiet = staff(lazy(() => import("./staff/quiet.tsx")));
const StaffReports = staff(lazy(() => import("./staff/reports.tsx")));
const Organisation = lazy(() => import("./staff/organisation.tsx"));
const MyOrganisations = lazy(() => import("./staff/my-organisations.tsx"));
const Activities = lazy(() => import("./pages/activities.tsx"));

/** Once signed in: who this is, their language on every device, and their unread notices. */
function useSignedIn(): void {
  const token = session.value?.token;
  useEffect(() => {
    if (!token) {
      me.value = undefined;
      return;
    }
    void refreshMe().then((current) => {
      const preferred = current?.member?.preferredLanguage;
      if (isLocale(preferred)) void switchLocale(preferred);
      void refreshUnread();
    });
  }, [token]);
}

function Screens() {
  useSignedIn();
  // Each state has its own router (keyed), so a change of state shows its screen at the same address.
  if (!session.value) {
    return <Router key="signed-out">{[<Route key="signed-out" default component={SignIn} />]}</Router>;
  }
  if (!me.value) return <Loading />;
  if (!member.value) {
    return <Router key="join">{[<Route key="join" default component={Join} />]}</Router>;
  }
  if (member.value.status !== "active") {
    return <Router key="membership">{[<Route key="membership" default component={Membership} />]}</Router>;
  }
  // The city published new terms: asked at sign-in, before anything else, until agreed or put off.
  if (me.value.consent?.required && !consentPostponed.value) {
    return <Router key="consent">{[<Route key="consent" default component={Consent} />]}</Router>;
  }
  return (
    <Router key="member" onRouteChange={() => void refreshUnread(true)}>
      <Route path="/" component={Home} />
      <Route path="/profile" component={Profile} />
      <Route path="/welcome" component={Profile} />
      <Route path="/find" component={Find} />
      <Route path="/find/map" component={FindMap} />
      <Route path="/posts/new" component={NewPost} />
      <Route path="/posts/:postId" component={PostPage} />
      <Route path="/posts/:postId/edit" component={EditPost} />
      <Route path="/posts/:postId/matches" component={PostMatches} />
      <Route path="/my/posts" component={MyPosts} />
      <Route path="/matches" component={Matches} />
      <Route path="/exchanges" component={Exchanges} />
      <Route path="/exchanges/new" component={NewExchange} />
      <Route path="/exchanges/:exchangeId" component={ExchangePage} />
      <Route path="/balance" component={Balance} />
      <Route path="/inbox" component={Inbox} />
      <Route path="/conversations" component={Conversations} />
      <Route path="/conversations/:conversationId" component={ConversationPage} />
      <Route path="/my/data" component={MyData} />
      <Route path="/terms" component={Consent} />
      <Route path="/second-step" component={SecondStep} />
      <Route path="/staff" component={StaffHome} />
      <Route path="/staff/queue" component={StaffQueue} />
      <Route path="/staff/members" component={StaffMembers} />
      <Route path="/staff/members/:memberId" component={StaffMember} />
      <Route path="/staff/register" component={StaffRegister} />
      <Route path="/staff/disputes" component={StaffDisputes} />
      <Route path="/staff/quiet" component={StaffQuiet} />
      <Route path="/staff/reports" component={StaffReports} />
      <Route path="/organisations" component={MyOrganisations} />
      <Route path="/organisations/:orgId" component={Organisation} />
      <Route path="/activities" component={Activities} />
      <Route default component={NotFound} />
    </Router>
  );
}

export function App() {
  if (!ready.value) return null;
  return (
    <LocationProvider>
      <Layout>
        <ErrorBoundary>
          <Screens />
        </ErrorBoundary>
      </Layout>
    </LocationProvider>
  );
}
