import { useSignal } from "@preact/signals";
import { api, apiError } from "../api/client.ts";
import { t } from "../i18n/index.ts";
import { consentPostponed, me, refreshMe } from "../state.ts";
import { Actions, ErrorSummary } from "../ui/fields.tsx";
import { Page } from "../ui/page.tsx";
import { type FormErrors, formErrors, noErrors } from "../ui/problems.ts";

/** The city published new terms: the member reads them and agrees, or looks at their things first. */
export default function Consent() {
  const errors = useSignal<FormErrors>(noErrors);
  const busy = useSignal(false);
  const consent = me.value?.consent;
  if (!consent?.version) return null;
  const version = consent.version;
  if (!consent.required) {
    return (
      <Page title={t("consent.agreedTitle")}>
        <p>{t("consent.agreed", { version: consent.agreedVersion ?? version })}</p>
      </Page>
    );
  }

  const agree = async () => {
    busy.value = true;
    const { error } = await api.POST("/me/consents", { body: { version } });
    busy.value = false;
    if (error) {
      // The terms changed again meanwhile: show the newest version.
      if (apiError(error).code === "TERMS_CHANGED") await refreshMe();
      errors.value = formErrors(apiError(error), {}, "consent-agree");
      return;
    }
    await refreshMe();
  };

  return (
    <Page title={t("consent.title")}>
      <ErrorSummary problems={errors.value.problems} />
      <p>{t("consent.text", { version })}</p>
      {consent.termsUrl ? (
        <p>
          <a href={consent.termsUrl} target="_blank" rel="noopener noreferrer">
            {t("consent.link")}
          </a>
        </p>
      ) : null}
      <p>{t("consent.meanwhile")}</p>
      <Actions>
        <button id="consent-agree" type="button" disabled={busy.value} onClick={() => void agree()}>
          {t("consent.agree")}
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            consentPostponed.value = true;
          }}
        >
          {t("consent.later")}
        </button>
      </Actions>
    </Page>
  );
}
