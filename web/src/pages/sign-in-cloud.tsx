import { useSignal } from "@preact/signals";
import { startSignIn } from "../auth/cognito.ts";
import { city } from "../config.ts";
import { t } from "../i18n/index.ts";
import { Actions } from "../ui/fields.tsx";
import { Page } from "../ui/page.tsx";

/** Sign-in in the cloud: the city's managed login does the asking (password, passkey, MFA). */
export default function SignInCloud() {
  const busy = useSignal(false);
  return (
    <Page title={t("signIn.title")} lead={t("signIn.cloudLead", { city: city().name })}>
      <Actions>
        <button
          type="button"
          disabled={busy.value}
          onClick={() => {
            busy.value = true;
            void startSignIn();
          }}
        >
          {t("signIn.cloudSubmit")}
        </button>
      </Actions>
    </Page>
  );
}
