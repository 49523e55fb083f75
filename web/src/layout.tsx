import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { actingFor, stopActing } from "./acting.ts";
import { api } from "./api/client.ts";
import { session, signOut } from "./auth/session.ts";
import { city } from "./config.ts";
import { type Locale, languageNames, locale, offeredLocales, switchLocale, t } from "./i18n/index.ts";
import { loadMyOrganisations, myOrganisations } from "./my-organisations.ts";
import { isCoordinator, me, member, needsSecondStep, unread, unreadMore } from "./state.ts";

const TEXT_KEY = "mutua.largeText";

/** Larger text for the whole app, remembered on this device. */
export function applyTextSize(large = localStorage.getItem(TEXT_KEY) === "1"): void {
  document.documentElement.classList.toggle("large-text", large);
}

function TextSize() {
  const large = useSignal(localStorage.getItem(TEXT_KEY) === "1");
  const toggle = () => {
    large.value = !large.value;
    localStorage.setItem(TEXT_KEY, large.value ? "1" : "0");
    applyTextSize(large.value);
  };
  return (
    <button type="button" class="setting" aria-pressed={large.value ? "true" : "false"} onClick={toggle}>
      <span aria-hidden="true" class="icon">
        A<span class="big">A</span>
      </span>{" "}
      {t("layout.largeText")}
    </button>
  );
}

/**
 * The language menu: each language named in itself. Signed in, the choice is kept on the member's
 * profile so every device follows it; before that, on this device.
 */
function LanguageMenu() {
  const open = useSignal(false);
  const choose = async (next: Locale) => {
    open.value = false;
    await switchLocale(next);
    // Acting for someone changes the screen's language, never that member's own choice.
    if (member.value?.status === "active" && !actingFor.value) {
      const { data } = await api.PATCH("/me/profile", { body: { preferredLanguage: next } });
      if (data && me.value?.member)
        me.value = { ...me.value, member: { ...me.value.member, preferredLanguage: next } };
    }
  };
  return (
    <div class="language-menu">
      <button
        type="button"
        class="setting"
        aria-expanded={open.value ? "true" : "false"}
        aria-controls="language-list"
        onClick={() => {
          open.value = !open.value;
        }}
      >
        <span class="visually-hidden">{t("layout.language")}: </span>
        <svg class="icon" aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
          <circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" stroke-width="2" />
          <path
            d="M2.5 12h19M12 2.5c3 3 3 16 0 19M12 2.5c-3 3-3 16 0 19"
            fill="none"
            stroke="currentColor"
            stroke-width="2"
          />
        </svg>{" "}
        {languageNames[locale.value]}
      </button>
      <ul id="language-list" hidden={!open.value}>
        {offeredLocales().map((l) => (
          <li key={l}>
            <button
              type="button"
              lang={l}
              aria-current={l === locale.value ? "true" : undefined}
              onClick={() => choose(l)}
            >
              {languageNames[l]}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function NavLink(props: { href: string; children: ComponentChildren; exact?: boolean }) {
  const { path } = useLocation();
  const current = props.exact
    ? path === props.href
    : path === props.href || path.startsWith(`${props.href}/`);
  return (
    <li>
      <a href={props.href} aria-current={current ? "page" : undefined}>
        {props.children}
      </a>
    </li>
  );
}

function MainNav() {
  const open = useSignal(false);
  const { path } = useLocation();
  // A new screen closes the menu on small screens.
  useEffect(() => {
    open.value = false;
  }, [path]);
  // Organisation and venue admins reach their organisations from the menu.
  const memberId = member.value?.status === "active" ? member.value.memberId : undefined;
  useEffect(() => {
    void loadMyOrganisations(memberId);
  }, [memberId]);
  const count = unread.value;
  return (
    <nav class="main-nav" aria-label={t("layout.mainMenu")}>
      <button
        type="button"
        class="menu-toggle"
        aria-expanded={open.value ? "true" : "false"}
        aria-controls="main-menu"
        onClick={() => {
          open.value = !open.value;
        }}
      >
        {t("layout.menu")}
        {count ? (
          <span class="badge" aria-hidden="true">
            {count}
          </span>
        ) : null}
      </button>
      <ul id="main-menu" class={open.value ? "open" : ""}>
        <NavLink href="/" exact>
          {t("nav.home")}
        </NavLink>
        <NavLink href="/find">{t("nav.find")}</NavLink>
        <NavLink href="/posts/new">{t("nav.post")}</NavLink>
        <NavLink href="/my/posts">{t("nav.myPosts")}</NavLink>
        <NavLink href="/matches">{t("nav.matches")}</NavLink>
        <NavLink href="/exchanges">{t("nav.exchanges")}</NavLink>
        <NavLink href="/conversations">{t("nav.conversations")}</NavLink>
        <NavLink href="/balance">{t("nav.balance")}</NavLink>
        <NavLink href="/inbox">
          {t("nav.inbox")}
          {count ? (
            <span class="badge">
              <span class="visually-hidden">{", "}</span>
              {t(unreadMore.value ? "nav.unreadMore" : "nav.unread", { count })}
            </span>
          ) : null}
        </NavLink>
        <NavLink href="/profile">{t("nav.profile")}</NavLink>
        <NavLink href="/activities">{t("nav.activities")}</NavLink>
        {myOrganisations.value.length ? (
          <NavLink href="/organisations">{t("nav.organisations")}</NavLink>
        ) : null}
        {isCoordinator.value ? <NavLink href="/staff">{t("nav.staff")}</NavLink> : null}
      </ul>
    </nav>
  );
}

/**
 * While a coordinator acts for a member: on every screen, above everything, whose behalf this is
 * and a way back. It is a landmark of its own, so screen readers can find it at any time.
 */
function ActingBanner() {
  const acting = actingFor.value;
  const { route } = useLocation();
  if (!acting || !session.value) return null;
  return (
    <aside class="acting-banner" aria-label={t("acting.label")}>
      <p>
        <strong>{t("acting.banner", { name: acting.displayName })}</strong> {t("acting.hint")}
      </p>
      <button
        type="button"
        onClick={() => {
          const id = acting.memberId;
          stopActing();
          route(`/staff/members/${id}`);
        }}
      >
        {t("acting.stop")}
      </button>
    </aside>
  );
}

/**
 * A coordinator or admin signed in without a second factor: on every screen but the one that sets
 * it up, what is missing and the way to it, rather than staff screens that would only be refused.
 */
function SecondStepBanner() {
  const { path } = useLocation();
  if (!session.value || !needsSecondStep.value || path === "/second-step" || path.startsWith("/staff"))
    return null;
  return (
    <aside class="notice-banner" aria-label={t("mfa.bannerLabel")}>
      <p>
        <strong>{t("mfa.banner")}</strong>
      </p>
      <a href="/second-step">{t("mfa.bannerLink")}</a>
    </aside>
  );
}

export function Layout(props: { children: ComponentChildren }) {
  const active = member.value?.status === "active";
  return (
    <>
      <a class="skip-link" href="#main">
        {t("layout.skip")}
      </a>
      <ActingBanner />
      <SecondStepBanner />
      <header class="site-header">
        <div class="bar">
          <a class="brand" href="/">
            {t("app.name", { city: city().name })}
          </a>
          <div class="settings">
            <LanguageMenu />
            <TextSize />
            {session.value ? (
              <button type="button" class="setting" onClick={() => void signOut()}>
                {t("layout.signOut")}
              </button>
            ) : null}
          </div>
        </div>
        {active ? <MainNav /> : null}
      </header>
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
      <footer class="site-footer">
        <p>{t("layout.footer")}</p>
      </footer>
    </>
  );
}
