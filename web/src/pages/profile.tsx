import { useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
import { useLocation } from "preact-iso";
import { api } from "../api/client.ts";
import type { Body, Member } from "../api/types.ts";
import { isLocale, switchLocale, t } from "../i18n/index.ts";
import { refreshMe } from "../state.ts";
import { partsOf, WeekGrid, windowsOf } from "../ui/availability.tsx";
import {
  areaOptions,
  categoryOptions,
  contactOptions,
  isContactPreference,
  languageOptions,
} from "../ui/choices.ts";
import {
  Actions,
  Checkboxes,
  ErrorSummary,
  Radios,
  SelectField,
  TextArea,
  TextInput,
} from "../ui/fields.tsx";
import { Done, Loading, Page } from "../ui/page.tsx";
import { type FieldMap, type FormErrors, formErrors, missing, noErrors } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

const splitTags = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/**
 * The member's profile, also the onboarding after they are welcomed (/welcome): skills, area, home,
 * availability, languages, contact preference. Only what changed is sent.
 */
function ProfileForm(props: { profile: Member; welcome: boolean }) {
  const p = props.profile;
  const name = useSignal(p.displayName);
  const area = useSignal(p.area);
  const categories = useSignal<string[]>(p.skills.categories);
  const tags = useSignal(p.skills.tags.join(", "));
  const parts = useSignal<string[]>(partsOf(p.availability));
  const partsTouched = useSignal(false);
  const spoken = useSignal<string[]>(p.languages);
  const preferred = useSignal<string>(p.preferredLanguage ?? "");
  const contact = useSignal<string>(p.contact.preference);
  const email = useSignal(p.contact.email ?? "");
  const phone = useSignal(p.contact.phone ?? "");
  const bio = useSignal(p.bio ?? "");
  const needs = useSignal(p.accessibilityNeeds ?? "");
  const home = useSignal<{ lat: number; lon: number } | null | undefined>(undefined);
  const hasHome = useSignal(p.home !== undefined);
  const locating = useSignal<"idle" | "busy" | "failed">("idle");
  const errors = useSignal<FormErrors>(noErrors);
  const saved = useSignal(false);
  const busy = useSignal(false);
  const { route } = useLocation();

  const fields: FieldMap = {
    displayName: { id: "profile-name", text: t("join.nameProblem") },
    area: { id: "profile-area", text: t("join.areaProblem") },
    "skills.categories": { id: "profile-skills", text: t("profile.skillsProblem") },
    "skills.tags": { id: "profile-tags", text: t("profile.tagsProblem") },
    availability: { id: "profile-availability", text: t("profile.availabilityProblem") },
    home: { id: "profile-home", text: t("profile.homeProblem") },
    languages: { id: "profile-languages", text: t("join.languagesProblem") },
    preferredLanguage: { id: "profile-preferred", text: t("join.preferredProblem") },
    "contact.email": { id: "profile-email", text: t("contact.emailProblem") },
    "contact.phone": { id: "profile-phone", text: t("contact.phoneProblem") },
    contact: { id: "profile-contact", text: t("contact.problem") },
    bio: { id: "profile-bio", text: t("profile.bioProblem") },
    accessibilityNeeds: { id: "profile-needs", text: t("profile.needsProblem") },
  };
  const field = (key: string) => fields[key] as FieldMap[string];

  const locate = () => {
    locating.value = "busy";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        home.value = {
          lat: Math.round(position.coords.latitude * 1e5) / 1e5,
          lon: Math.round(position.coords.longitude * 1e5) / 1e5,
        };
        hasHome.value = true;
        locating.value = "idle";
      },
      () => {
        locating.value = "failed";
      },
      { enableHighAccuracy: false, timeout: 15_000 },
    );
  };

  const submit = async (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    saved.value = false;
    const required = missing([
      [name.value.trim() !== "", field("displayName")],
      [spoken.value.length > 0, field("languages")],
      [contact.value !== "email" || email.value.trim() !== "", field("contact.email")],
      [contact.value !== "sms" || phone.value.trim() !== "", field("contact.phone")],
    ]);
    if (required.problems.length) {
      errors.value = required;
      return;
    }
    const preference = isContactPreference(contact.value) ? contact.value : "in-app";
    const body: Body<"/me/profile", "patch"> = {
      displayName: name.value.trim(),
      area: area.value,
      languages: spoken.value.filter(isLocale),
      ...(isLocale(preferred.value) ? { preferredLanguage: preferred.value } : {}),
      skills: { categories: categories.value, tags: splitTags(tags.value) },
      ...(partsTouched.value ? { availability: windowsOf(parts.value) } : {}),
      ...(home.value !== undefined ? { home: home.value } : {}),
      contact: {
        preference,
        ...(email.value.trim() ? { email: email.value.trim() } : {}),
        ...(phone.value.trim() ? { phone: phone.value.replace(/\s+/g, "") } : {}),
      },
      bio: bio.value.trim() ? bio.value.trim() : null,
      accessibilityNeeds: needs.value.trim() ? needs.value.trim() : null,
    };
    busy.value = true;
    const { data, error } = await api.PATCH("/me/profile", { body });
    busy.value = false;
    if (error) {
      errors.value = formErrors(error.error, fields, "profile-name");
      return;
    }
    errors.value = noErrors;
    await refreshMe();
    if (isLocale(data.preferredLanguage)) await switchLocale(data.preferredLanguage);
    if (props.welcome) route("/posts/new?welcome=1");
    else saved.value = true;
  };

  return (
    <form onSubmit={submit} noValidate>
      <ErrorSummary problems={errors.value.problems} />
      {saved.value ? (
        <Done>
          <p>{t("profile.saved")}</p>
        </Done>
      ) : null}
      <h2>{t("profile.aboutTitle")}</h2>
      <TextInput
        id="profile-name"
        label={t("join.nameLabel")}
        hint={t("join.nameHint")}
        error={errors.value.byField["profile-name"]}
        value={name.value}
        autoComplete="name"
        maxLength={80}
        onInput={(v) => {
          name.value = v;
        }}
      />
      <SelectField
        id="profile-area"
        label={t("join.areaLabel")}
        hint={t("join.areaHint")}
        error={errors.value.byField["profile-area"]}
        value={area.value}
        options={areaOptions()}
        onChange={(v) => {
          area.value = v;
        }}
      />
      <div class={`field${errors.value.byField["profile-home"] ? " has-error" : ""}`}>
        <h3 id="profile-home-title">{t("profile.homeTitle")}</h3>
        <p class="hint" id="profile-home-hint">
          {t("profile.homeHint")}
        </p>
        {errors.value.byField["profile-home"] ? (
          <p class="field-error">
            <span class="visually-hidden">{t("form.errorPrefix")} </span>
            {errors.value.byField["profile-home"]}
          </p>
        ) : null}
        <p role="status">
          {home.value === null || !hasHome.value ? t("profile.homeNone") : t("profile.homeSet")}
          {locating.value === "busy" ? ` ${t("profile.homeLocating")}` : ""}
          {locating.value === "failed" ? ` ${t("profile.homeFailed")}` : ""}
        </p>
        <div class="actions">
          <button
            type="button"
            id="profile-home"
            class="secondary"
            aria-describedby="profile-home-hint"
            onClick={locate}
          >
            {t("profile.homeUseLocation")}
          </button>
          {hasHome.value ? (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                home.value = null;
                hasHome.value = false;
              }}
            >
              {t("profile.homeRemove")}
            </button>
          ) : null}
        </div>
      </div>

      <h2>{t("profile.skillsTitle")}</h2>
      <Checkboxes
        id="profile-skills"
        label={t("profile.skillsLabel")}
        hint={t("profile.skillsHint")}
        error={errors.value.byField["profile-skills"]}
        values={categories.value}
        options={categoryOptions()}
        onChange={(v) => {
          categories.value = v;
        }}
      />
      <TextInput
        id="profile-tags"
        label={t("profile.tagsLabel")}
        hint={t("profile.tagsHint")}
        optional
        error={errors.value.byField["profile-tags"]}
        value={tags.value}
        onInput={(v) => {
          tags.value = v;
        }}
      />
      <WeekGrid
        id="profile-availability"
        legend={t("profile.availabilityLabel")}
        hint={t("profile.availabilityHint")}
        error={errors.value.byField["profile-availability"]}
        value={parts.value}
        onChange={(v) => {
          parts.value = v;
          partsTouched.value = true;
        }}
      />
      <TextArea
        id="profile-bio"
        label={t("profile.bioLabel")}
        hint={t("profile.bioHint")}
        optional
        maxLength={1000}
        error={errors.value.byField["profile-bio"]}
        value={bio.value}
        onInput={(v) => {
          bio.value = v;
        }}
      />
      <TextArea
        id="profile-needs"
        label={t("profile.needsLabel")}
        hint={t("profile.needsHint")}
        optional
        maxLength={500}
        rows={3}
        error={errors.value.byField["profile-needs"]}
        value={needs.value}
        onInput={(v) => {
          needs.value = v;
        }}
      />

      <h2>{t("profile.languagesTitle")}</h2>
      <Checkboxes
        id="profile-languages"
        label={t("join.languagesLabel")}
        hint={t("join.languagesHint")}
        error={errors.value.byField["profile-languages"]}
        values={spoken.value}
        options={languageOptions()}
        onChange={(v) => {
          spoken.value = v;
        }}
      />
      <Radios
        id="profile-preferred"
        label={t("join.preferredLabel")}
        hint={t("profile.preferredHint")}
        error={errors.value.byField["profile-preferred"]}
        value={preferred.value}
        options={languageOptions()}
        onChange={(v) => {
          preferred.value = v;
        }}
      />
      <Radios
        id="profile-contact"
        label={t("contact.label")}
        hint={t("contact.hint")}
        error={errors.value.byField["profile-contact"]}
        value={contact.value}
        options={contactOptions()}
        onChange={(v) => {
          contact.value = v;
        }}
      />
      {contact.value === "email" ? (
        <TextInput
          id="profile-email"
          type="email"
          label={t("contact.emailLabel")}
          error={errors.value.byField["profile-email"]}
          value={email.value}
          autoComplete="email"
          onInput={(v) => {
            email.value = v;
          }}
        />
      ) : null}
      {contact.value === "email" && p.emailUndeliverable && email.value === p.contact.email ? (
        <p class="callout" role="status">
          {t("contact.emailUndeliverable")}
        </p>
      ) : null}
      {contact.value === "sms" && p.smsOptedOut && phone.value === p.contact.phone ? (
        <p class="callout" role="status">
          {t("contact.smsOptedOut")}
        </p>
      ) : null}
      {contact.value === "sms" ? (
        <TextInput
          id="profile-phone"
          type="tel"
          label={t("contact.phoneLabel")}
          hint={t("contact.phoneHint")}
          error={errors.value.byField["profile-phone"]}
          value={phone.value}
          autoComplete="tel"
          onInput={(v) => {
            phone.value = v;
          }}
        />
      ) : null}
      <Actions>
        <button type="submit" disabled={busy.value}>
          {props.welcome ? t("profile.saveAndContinue") : t("common.save")}
        </button>
        <a href="/my/data">{t("profile.myDataLink")}</a>
      </Actions>
    </form>
  );
}

export default function Profile() {
  const { path } = useLocation();
  const welcome = path === "/welcome";
  // The member's own record, fresh: what another device changed shows here too.
  const profile = useResource(async () => unwrap(await api.GET("/me")).member ?? undefined, []);
  const data = profile.data;
  return (
    <Page
      title={welcome ? t("profile.welcomeTitle") : t("profile.title")}
      lead={welcome ? t("profile.welcomeLead") : undefined}
    >
      {profile.loading && !data ? <Loading /> : null}
      {data ? <ProfileForm profile={data} welcome={welcome} /> : null}
    </Page>
  );
}
