import { t } from "../i18n/index.ts";
import { isCoordinator } from "../state.ts";
import { Page } from "../ui/page.tsx";

/** What the staff screens offer: the coordinator's day, and the way to an organisation's tools. */
export default function StaffHome() {
  const links = isCoordinator.value
    ? ([
        ["/staff/queue", "staff.queueTitle", "staff.queueLead"],
        ["/staff/members", "staff.findTitle", "staff.findLead"],
        ["/staff/register", "staff.registerTitle", "staff.registerLead"],
        ["/staff/disputes", "staff.disputesTitle", "staff.disputesLead"],
        ["/staff/quiet", "staff.quietTitle", "staff.quietLead"],
        ["/staff/reports", "staff.reportsTitle", "staff.reportsLead"],
      ] as const)
    : [];
  return (
    <Page title={t("staff.title")} lead={t("staff.lead")}>
      <ul class="cards">
        {links.map(([href, title, lead]) => (
          <li key={href}>
            <a href={href}>
              <span class="card-title">{t(title)}</span>
              <span class="card-text">{t(lead)}</span>
            </a>
          </li>
        ))}
      </ul>
    </Page>
  );
}
