import { signal } from "@preact/signals";

/** The member a coordinator is acting for (an offline resident), or nobody. */
export interface ActingFor {
  memberId: string;
  displayName: string;
}

const TAB_KEY = "mutua.actingFor";

function restored(): ActingFor | undefined {
  try {
    const raw = sessionStorage.getItem(TAB_KEY);
    if (!raw) return undefined;
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return undefined;
    const { memberId, displayName } = value as Record<string, unknown>;
    return typeof memberId === "string" && typeof displayName === "string"
      ? { memberId, displayName }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Kept for the tab only (a reload keeps acting for the same person, a new tab does not), so a
 * coordinator never opens the app and finds themselves acting for someone without having chosen to.
 */
export const actingFor = signal<ActingFor | undefined>(restored());

export function startActingFor(who: ActingFor): void {
  sessionStorage.setItem(TAB_KEY, JSON.stringify(who));
  actingFor.value = who;
}

export function stopActing(): void {
  sessionStorage.removeItem(TAB_KEY);
  actingFor.value = undefined;
}
