import { useSignal } from "@preact/signals";
import { useLocation } from "preact-iso";
import { startActingFor } from "../acting.ts";
import { api } from "../api/client.ts";
import { city } from "../config.ts";
import { categoryName, type Locale, languageNames, t } from "../i18n/index.ts";
import { Actions, Checkboxes, ErrorSummary, SelectField, TextArea, TextInput } from "../ui/fields.tsx";
import { Done } from "../ui/page.tsx";
import { type FormErrors, formErrors, missing, noErrors } from "../ui/problems.ts";
import { areaOptions, type StaffMember, StaffPage, scopeAreas } from "./bits.tsx";

/**
 * A coordinator registers a resident who has no email or phone: they are told through the
 * coordinator, and the coordinator acts for them from the next screen on.
 */
export default function Register() {
  const { route } = useLocation();
  const name = useSignal("");
  const area = useSignal(scopeAreas()[0] ?? "");
  const languages = useSignal<string[]>([city().languages.default]);
  const skills = useSignal<string[]>([]);
  const needs = useSignal("");
  const errors = useSignal<FormErrors>(noErrors);
  const created = useSignal<StaffMember | undefined>(undefined);
  const busy = useSignal(false);
  const fields = {
    displayName: { id: "resident-name", text: t("staff.nameError") },
    area: { id: "resident-area", text: t("staff.areaError") },
    languages: { id: "resident-languages", text: t("staff.languagesError") },
    accessibilityNeeds: { id: "resident-needs", text: t("staff.needsError") },
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const empty = missing([
      [name.value.trim() !== "", fields.displayName],
      [languages.value.length > 0, fields.languages],
    ]);
    if (empty.problems.length) {
      errors.value = empty;
      return;
    }
    busy.value = true;
    const result = await api.POST("/members", {
      body: {
        displayName: name.value,
        area: area.value,
        languages: languages.value as Locale[],
        contact: { preference: "via-coordinator" },
        ...(skills.value.length ? { skills: { categories: skills.value, tags: [] } } : {}),
        ...(needs.value.trim() ? { accessibilityNeeds: needs.value } : {}),
      },
    });
    busy.value = false;
    if (result.error || !result.data) {
      errors.value = formErrors(
        result.error?.error ?? { code: "NETWORK", message: "" },
        fields,
        "resident-name",
      );
      return;
    }
    errors.value = noErrors;
    created.value = result.data as StaffMember;
  };
  const done = created.value;
  if (done) {
    return (
      <StaffPage title={t("staff.registerTitle")}>
        <Done>{t("staff.registered", { name: done.displayName })}</Done>
        <Actions>
          <button
            type="button"
            onClick={() => {
              startActingFor({ memberId: done.memberId, displayName: done.displayName });
              route("/");
            }}
          >
            {t("staff.actStart", { name: done.displayName })}
          </button>
          <a class="button secondary" href={`/staff/members/${done.memberId}`}>
            {t("staff.openMember")}
          </a>
        </Actions>
      </StaffPage>
    );
  }
  return (
    <StaffPage title={t("staff.registerTitle")} lead={t("staff.registerLead")}>
      <form onSubmit={submit} noValidate>
        <ErrorSummary problems={errors.value.problems} />
        <TextInput
          id="resident-name"
          label={t("staff.residentName")}
          value={name.value}
          maxLength={80}
          error={errors.value.byField["resident-name"]}
          onInput={(v) => {
            name.value = v;
          }}
        />
        <SelectField
          id="resident-area"
          label={t("staff.area")}
          value={area.value}
          error={errors.value.byField["resident-area"]}
          onChange={(v) => {
            area.value = v;
          }}
          options={areaOptions(false)}
        />
        <Checkboxes
          id="resident-languages"
          label={t("staff.residentLanguages")}
          values={languages.value}
          error={errors.value.byField["resident-languages"]}
          onChange={(v) => {
            languages.value = v;
          }}
          inline
          options={city().languages.offered.map((l) => ({
            value: l,
            label: languageNames[l as Locale] ?? l,
            lang: l,
          }))}
        />
        <Checkboxes
          id="resident-skills"
          label={t("staff.residentSkills")}
          optional
          values={skills.value}
          onChange={(v) => {
            skills.value = v;
          }}
          options={city().skills.map((s) => ({ value: s.id, label: categoryName(s.id) }))}
        />
        <TextArea
          id="resident-needs"
          label={t("staff.residentNeeds")}
          optional
          rows={2}
          maxLength={500}
          value={needs.value}
          error={errors.value.byField["resident-needs"]}
          onInput={(v) => {
            needs.value = v;
          }}
        />
        <Actions>
          <button type="submit" disabled={busy.value}>
            {t("staff.registerSend")}
          </button>
        </Actions>
      </form>
    </StaffPage>
  );
}
