import { useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
import { api } from "../api/client.ts";
import type { Body } from "../api/types.ts";
import { city } from "../config.ts";
import { isLocale, locale, t } from "../i18n/index.ts";
import { refreshMe } from "../state.ts";
import { areaOptions, contactOptions, isContactPreference, languageOptions } from "../ui/choices.ts";
import { Actions, Checkboxes, ErrorSummary, Radios, SelectField, TextInput } from "../ui/fields.tsx";
import { Page } from "../ui/page.tsx";
import { type FieldMap, type FormErrors, formErrors, missing, noErrors } from "../ui/problems.ts";

/** Asking to join: who you are, where, your languages, how to reach you, and your consent to the terms. */
export default function Join() {
  const name = useSignal("");
  const area = useSignal("");
  const spoken = useSignal<string[]>([locale.value]);
  const preferred = useSignal<string>(locale.value);
  const contact = useSignal<string>("in-app");
  const email = useSignal("");
  const phone = useSignal("");
  const consent = useSignal(false);
  const errors = useSignal<FormErrors>(noErrors);
  const busy = useSignal(false);
  const terms = city().termsUrl;

  const fields: FieldMap = {
    displayName: { id: "join-name", text: t("join.nameProblem") },
    area: { id: "join-area", text: t("join.areaProblem") },
    languages: { id: "join-languages", text: t("join.languagesProblem") },
    preferredLanguage: { id: "join-preferred", text: t("join.preferredProblem") },
    "contact.email": { id: "join-email", text: t("contact.emailProblem") },
    "contact.phone": { id: "join-phone", text: t("contact.phoneProblem") },
    contact: { id: "join-contact", text: t("contact.problem") },
    consent: { id: "join-consent", text: t("join.consentProblem") },
  };

  const submit = async (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    const required = missing([
      [name.value.trim() !== "", fields.displayName as FieldMap[string]],
      [area.value !== "", fields.area as FieldMap[string]],
      [spoken.value.length > 0, fields.languages as FieldMap[string]],
      [contact.value !== "email" || email.value.trim() !== "", fields["contact.email"] as FieldMap[string]],
      [contact.value !== "sms" || phone.value.trim() !== "", fields["contact.phone"] as FieldMap[string]],
      [consent.value, fields.consent as FieldMap[string]],
    ]);
    if (required.problems.length) {
      errors.value = required;
      return;
    }
    const preference = isContactPreference(contact.value) ? contact.value : "in-app";
    const body: Body<"/members/join", "post"> = {
      displayName: name.value.trim(),
      area: area.value,
      languages: spoken.value.filter(isLocale),
      ...(isLocale(preferred.value) ? { preferredLanguage: preferred.value } : {}),
      consent: true,
      contact: {
        preference,
        ...(preference === "email" ? { email: email.value.trim() } : {}),
        ...(preference === "sms" ? { phone: phone.value.trim() } : {}),
      },
    };
    busy.value = true;
    const { error } = await api.POST("/members/join", { body });
    busy.value = false;
    if (error) {
      errors.value = formErrors(error.error, fields, "join-name");
      return;
    }
    await refreshMe();
  };

  return (
    <Page title={t("join.title", { city: city().name })} lead={t("join.lead")}>
      <form onSubmit={submit} noValidate>
        <ErrorSummary problems={errors.value.problems} />
        <TextInput
          id="join-name"
          label={t("join.nameLabel")}
          hint={t("join.nameHint")}
          error={errors.value.byField["join-name"]}
          value={name.value}
          autoComplete="name"
          maxLength={80}
          onInput={(v) => {
            name.value = v;
          }}
        />
        <SelectField
          id="join-area"
          label={t("join.areaLabel")}
          hint={t("join.areaHint")}
          error={errors.value.byField["join-area"]}
          value={area.value}
          options={[{ value: "", label: t("form.choose") }, ...areaOptions()]}
          onChange={(v) => {
            area.value = v;
          }}
        />
        <Checkboxes
          id="join-languages"
          label={t("join.languagesLabel")}
          hint={t("join.languagesHint")}
          error={errors.value.byField["join-languages"]}
          values={spoken.value}
          options={languageOptions()}
          onChange={(v) => {
            spoken.value = v;
          }}
        />
        <Radios
          id="join-preferred"
          label={t("join.preferredLabel")}
          error={errors.value.byField["join-preferred"]}
          value={preferred.value}
          options={languageOptions()}
          onChange={(v) => {
            preferred.value = v;
          }}
        />
        <Radios
          id="join-contact"
          label={t("contact.label")}
          hint={t("contact.hint")}
          error={errors.value.byField["join-contact"]}
          value={contact.value}
          options={contactOptions()}
          onChange={(v) => {
            contact.value = v;
          }}
        />
        {contact.value === "email" ? (
          <TextInput
            id="join-email"
            type="email"
            label={t("contact.emailLabel")}
            error={errors.value.byField["join-email"]}
            value={email.value}
            autoComplete="email"
            onInput={(v) => {
              email.value = v;
            }}
          />
        ) : null}
        {contact.value === "sms" ? (
          <TextInput
            id="join-phone"
            type="tel"
            label={t("contact.phoneLabel")}
            hint={t("contact.phoneHint")}
            error={errors.value.byField["join-phone"]}
            value={phone.value}
            autoComplete="tel"
            onInput={(v) => {
              phone.value = v;
            }}
          />
        ) : null}
        <div class={`field${errors.value.byField["join-consent"] ? " has-error" : ""}`}>
          <fieldset>
            <legend>{t("join.consentTitle")}</legend>
            <p class="hint">
              {t("join.consentText")}{" "}
              {terms ? (
                <a href={terms} target="_blank" rel="noopener noreferrer">
                  {t("join.termsLink")}
                </a>
              ) : null}
            </p>
            {errors.value.byField["join-consent"] ? (
              <p class="field-error" id="join-consent-error">
                <span class="visually-hidden">{t("form.errorPrefix")} </span>
                {errors.value.byField["join-consent"]}
              </p>
            ) : null}
            <div class="choice">
              <input
                id="join-consent"
                type="checkbox"
                checked={consent.value}
                aria-describedby={errors.value.byField["join-consent"] ? "join-consent-error" : undefined}
                onChange={(e) => {
                  consent.value = e.currentTarget.checked;
                }}
              />
              <label for="join-consent">{t("join.consentLabel")}</label>
            </div>
          </fieldset>
        </div>
        <Actions>
          <button type="submit" disabled={busy.value}>
            {t("join.submit")}
          </button>
        </Actions>
      </form>
    </Page>
  );
}
