import { toCsv } from "#domain/kernel/csv.ts";
import type { Member } from "#domain/membership/member.ts";
import { membersForExport } from "#domain/membership/members.ts";
import { homeCellOf } from "#domain/membership/profile.ts";
import { httpRoute } from "../route.ts";

/** Members in the coordinator's areas as CSV, for spreadsheets and funder reports. */
export const handler = httpRoute(
  { summary: "Export members in my areas as CSV (coordinators)", auth: "member", staff: true, csv: true },
  async ({ deps, actor }) => {
    const members = await membersForExport(deps, actor);
    const csv = toCsv<Member>(
      [
        { header: "member_id", value: (m) => m.memberId },
        { header: "kind", value: (m) => m.kind },
        { header: "display_name", value: (m) => m.displayName },
        { header: "status", value: (m) => m.status },
        { header: "roles", value: (m) => m.roles },
        { header: "area", value: (m) => m.area },
        { header: "languages", value: (m) => m.languages },
        { header: "verified", value: (m) => m.verified },
        { header: "skill_categories", value: (m) => m.skills.categories },
        { header: "contact_preference", value: (m) => m.contact.preference },
        { header: "email", value: (m) => m.contact.email },
        { header: "phone", value: (m) => m.contact.phone },
        // The export carries the coarse cell only: exact homes never leave the system.
        { header: "home_cell", value: (m) => homeCellOf(m, deps.city) },
        { header: "joined_at", value: (m) => m.createdAt },
      ],
      members,
    );
    return { body: csv };
  },
);
