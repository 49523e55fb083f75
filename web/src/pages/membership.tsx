import { t } from "../i18n/index.ts";
import { member } from "../state.ts";
import { Page } from "../ui/page.tsx";

/** Members who cannot act yet or any more: what their status means and what happens next. */
export default function Membership() {
  const current = member.value;
  if (!current) return null;
  const name = current.displayName;
  switch (current.status) {
    case "pending":
      return (
        <Page title={t("membership.pendingTitle", { name })}>
          <p>{t("membership.pendingText")}</p>
          <p>{t("membership.pendingNext")}</p>
        </Page>
      );
    case "declined":
    case "suspended":
    case "closed":
      return (
        <Page title={t(`membership.${current.status}Title`)}>
          <p>{t(`membership.${current.status}Text`)}</p>
          {current.statusReason ? (
            <div class="quote">
              <h2>{t("membership.reason")}</h2>
              <p>{current.statusReason}</p>
            </div>
          ) : null}
        </Page>
      );
    default:
      return null;
  }
}
