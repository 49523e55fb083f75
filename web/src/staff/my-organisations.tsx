import { useEffect } from "preact/hooks";
import { areaName, t } from "../i18n/index.ts";
import { loadMyOrganisations, myOrganisations } from "../my-organisations.ts";
import { member } from "../state.ts";
import { Page } from "../ui/page.tsx";

/** The organisations (charities, council services, venues) the member runs, each to its own page. */
export default function MyOrganisations() {
  useEffect(() => {
    void loadMyOrganisations(member.value?.memberId, true);
  }, [member.value?.memberId]);
  const items = myOrganisations.value;
  return (
    <Page title={t("myOrganisations.title")} lead={t("myOrganisations.lead")}>
      {items.length ? (
        <ul class="cards">
          {items.map((o) => (
            <li key={o.memberId}>
              <a href={`/organisations/${o.memberId}`}>
                <span class="card-title user-text">{o.displayName}</span>
                <span class="card-text">
                  {t(
                    o.organisationType === "venue" ? "myOrganisations.venue" : "myOrganisations.organisation",
                    { area: areaName(o.area) },
                  )}
                  {o.status === "active" ? "" : ` · ${t("myOrganisations.notActive")}`}
                </span>
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t("myOrganisations.none")}</p>
      )}
    </Page>
  );
}
