import { computed, signal } from "@preact/signals";
import { actingFor } from "./acting.ts";
import { api } from "./api/client.ts";
import type { Me } from "./api/types.ts";
import { session } from "./auth/session.ts";

/** Who is signed in, as the API sees them (GET /me); undefined while unknown. */
export const me = signal<Me | undefined>(undefined);
export const member = computed(() => me.value?.member ?? undefined);
/**
 * Whose screens these are: the member a coordinator acts for, else the signed-in member. Screens
 * that ask "is this mine?" (my side of an exchange, my post) ask it of this one.
 */
export const selfId = computed(() => actingFor.value?.memberId ?? member.value?.memberId ?? "");
/** The signed-in member's staff roles (what the staff screens offer). */
export const isCoordinator = computed(() =>
  (me.value?.roles ?? []).some((role) => role === "coordinator" || role === "admin"),
);
/**
 * A coordinator or admin whose sign-in did not pass a second factor: the API refuses their powers
 * (403 MFA_REQUIRED), so the app leads them to set one up instead of showing screens that fail.
 */
export const needsSecondStep = computed(() => Boolean(me.value?.mfa.required && !me.value.mfa.passed));
/**
 * Set when the member chose "Not now" on the new terms: the app lets them in without agreeing, for
 * this visit only (the next sign-in asks again); new posts and exchanges still wait for consent.
 */
export const consentPostponed = signal(false);
/** Notices not read yet among the newest page of the inbox. */
export const unread = signal(0);
/** True when the newest page of the inbox is all unread and more may wait. */
export const unreadMore = signal(false);

export async function refreshMe(): Promise<Me | undefined> {
  if (!session.value) {
    me.value = undefined;
    return undefined;
  }
  const { data } = await api.GET("/me");
  me.value = data;
  return data;
}

const INBOX_PAGE = 50;
/** On every screen change the count is refreshed, but not more often than this. */
const REFRESH_GAP_MS = 10_000;
let lastRefresh = 0;

/** Counts the unread notices again (after an action, or on a screen change when `lazy`). */
export async function refreshUnread(lazy = false): Promise<void> {
  if (member.value?.status !== "active") return;
  if (lazy && Date.now() - lastRefresh < REFRESH_GAP_MS) return;
  lastRefresh = Date.now();
  const { data } = await api.GET("/me/inbox", { params: { query: { limit: INBOX_PAGE } } });
  if (!data) return;
  unread.value = data.items.filter((n) => !n.readAt).length;
  unreadMore.value = unread.value === data.items.length && data.nextCursor !== undefined;
}
