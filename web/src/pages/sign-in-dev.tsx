import { useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
import { type DevPerson, demoPeople, devSignIn } from "../auth/dev.ts";
import { areaName, t } from "../i18n/index.ts";
import { Actions, Checkboxes, ErrorSummary, TextInput } from "../ui/fields.tsx";
import { Loading, Page } from "../ui/page.tsx";
import { type FormErrors, noErrors } from "../ui/problems.ts";
import { useResource } from "../ui/resource.ts";

function describe(person: DevPerson): string {
  if (person.status === "pending") return t("signIn.pending", { area: areaName(person.area) });
  if (person.roles.includes("admin")) return t("signIn.admin");
  if (person.roles.includes("coordinator")) {
    return person.coordinatorAreas.length
      ? t("signIn.coordinatorOf", { areas: person.coordinatorAreas.map(areaName).join(", ") })
      : t("signIn.coordinatorAll");
  }
  return t("signIn.resident", { area: areaName(person.area) });
}

/** Local sign-in: pick a demo person, or type a new name to try the app as a newcomer. */
export default function SignInDev() {
  const people = useResource(demoPeople, []);
  const name = useSignal("");
  const errors = useSignal<FormErrors>(noErrors);
  const busy = useSignal(false);
  // The local issuer stands for a sign-in that passed every factor, unless told it skipped the
  // second: then a coordinator sees what one who has not set it up sees.
  const skipSecondStep = useSignal(false);

  const signIn = async (as: string) => {
    busy.value = true;
    const refused = await devSignIn(as, skipSecondStep.value ? { mfa: false } : {});
    busy.value = false;
    if (refused) {
      const text = t("signIn.nameProblem");
      errors.value = { problems: [{ id: "sign-in-name", text }], byField: { "sign-in-name": text } };
    }
  };
  const submit = (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!name.value.trim()) {
      const text = t("signIn.nameMissing");
      errors.value = { problems: [{ id: "sign-in-name", text }], byField: { "sign-in-name": text } };
      return;
    }
    void signIn(name.value.trim());
  };

  return (
    <Page title={t("signIn.title")} lead={t("signIn.lead")}>
      <Checkboxes
        id="sign-in-factor"
        label={t("signIn.skipLegend")}
        values={skipSecondStep.value ? ["skip"] : []}
        onChange={(values) => {
          skipSecondStep.value = values.includes("skip");
        }}
        options={[{ value: "skip", label: t("signIn.skipSecondStep") }]}
      />
      <h2>{t("signIn.demoTitle")}</h2>
      {people.loading ? <Loading /> : null}
      <ul class="people">
        {(people.data ?? []).map((p) => (
          <li key={p.handle}>
            <button type="button" class="person" disabled={busy.value} onClick={() => void signIn(p.handle)}>
              <span class="name">{p.displayName}</span>
              <span class="about">{describe(p)}</span>
            </button>
          </li>
        ))}
      </ul>
      <h2>{t("signIn.newTitle")}</h2>
      <form onSubmit={submit} noValidate>
        <ErrorSummary problems={errors.value.problems} />
        <TextInput
          id="sign-in-name"
          label={t("signIn.nameLabel")}
          hint={t("signIn.nameHint")}
          error={errors.value.byField["sign-in-name"]}
          value={name.value}
          autoComplete="name"
          maxLength={60}
          onInput={(v) => {
            name.value = v;
          }}
        />
        <Actions>
          <button type="submit" disabled={busy.value}>
            {t("signIn.submit")}
          </button>
        </Actions>
      </form>
    </Page>
  );
}
