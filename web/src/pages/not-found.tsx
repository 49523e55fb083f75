import { t } from "../i18n/index.ts";
import { Page } from "../ui/page.tsx";

export default function NotFound() {
  return (
    <Page title={t("notFound.title")}>
      <p>{t("notFound.text")}</p>
      <p>
        <a href="/">{t("notFound.home")}</a>
      </p>
    </Page>
  );
}
