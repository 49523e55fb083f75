import type { ComponentChildren } from "preact";
import type { Answer } from "../api/types.ts";
import { city } from "../config.ts";
import { areaName, languageNames, type MessageKey, t } from "../i18n/index.ts";
import { me } from "../state.ts";
import type { Option } from "../ui/fields.tsx";
import { Page } from "../ui/page.tsx";

export type StaffMember = Answer<"/members", "get">["items"][number];
export type AuditEntry = Answer<"/members/{memberId}/audit", "get">["items"][number];

/** The header that makes one call on a member's or organisation's behalf (not the whole session). */
export function onBehalfOf(memberId: string) {
  return { "x-act-for": memberId };
}

/** The areas a coordinator works in: theirs, or every area for city-wide coordinators and admins. */
export function scopeAreas(): string[] {
  const member = me.value?.member;
  const all = city().areas.map((a) => a.id);
  if (!member || member.roles.includes("admin") || member.coordinatorAreas.length === 0) return all;
  return all.filter((id) => member.coordinatorAreas.includes(id));
}

/** Whether the coordinator may look at every area at once (area coordinators name one). */
export function cityWide(): boolean {
  return scopeAreas().length === city().areas.length;
}

/** The areas in scope as choices; "every area" first where the coordinator may ask for all at once. */
export function areaOptions(withAll: boolean): Option[] {
  const areas = scopeAreas().map((id) => ({ value: id, label: areaName(id) }));
  return withAll && cityWide() ? [{ value: "", label: t("staff.allAreas") }, ...areas] : areas;
}

/** The area a filter starts on: every area where allowed, else the coordinator's first. */
export function firstArea(): string {
  return cityWide() ? "" : (scopeAreas()[0] ?? "");
}

export const memberStatuses = ["pending", "active", "suspended", "declined", "closed"] as const;

export function statusText(status: string): string {
  return t(`memberStatus.${status}` as MessageKey) || status;
}

/** The language the member reads Mutua in, named in that language. */
export function languageOf(member: { preferredLanguage?: string | undefined }): string {
  const code = member.preferredLanguage ?? city().languages.default;
  return languageNames[code as keyof typeof languageNames] ?? code;
}

/** A staff screen: the page, with a way back to the staff overview. */
export function StaffPage(props: { title: string; lead?: string; children?: ComponentChildren }) {
  return (
    <Page title={props.title} lead={props.lead}>
      <p class="breadcrumb">
        <a href="/staff">{t("staff.back")}</a>
      </p>
      {props.children}
    </Page>
  );
}

const fieldKeys: Record<string, MessageKey> = {
  status: "auditField.status",
  statusReason: "auditField.statusReason",
  verified: "auditField.verified",
  roles: "auditField.roles",
  displayName: "auditField.displayName",
  skills: "auditField.skills",
  area: "auditField.area",
  languages: "auditField.languages",
  preferredLanguage: "auditField.preferredLanguage",
  availability: "auditField.availability",
  contact: "auditField.contact",
  home: "auditField.home",
  bio: "auditField.bio",
  title: "auditField.title",
  description: "auditField.description",
  estimatedMinutes: "auditField.minutes",
  expiresAt: "auditField.expiresAt",
};

/** The names of changed fields in words ("status, reason"), unknown ones as they are. */
export function fieldsText(fields: readonly string[]): string {
  return fields.map((f) => (fieldKeys[f] ? t(fieldKeys[f]) : f)).join(", ");
}
