import { type Signal, useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { encode } from "uqr";
import { keyUri, type SecondFactor, secondFactor } from "../auth/second-factor.ts";
import { city } from "../config.ts";
import { t } from "../i18n/index.ts";
import { me } from "../state.ts";
import { Actions, ErrorSummary, TextInput } from "../ui/fields.tsx";
import { Done, Page, Problem } from "../ui/page.tsx";
import { type FormErrors, noErrors } from "../ui/problems.ts";

/** A six-digit code from the authenticator app (the phone's keyboard of digits, and its autofill). */
function CodeInput(props: { id: string; code: Signal<string>; error: string | undefined }) {
  return (
    <TextInput
      id={props.id}
      label={t("mfa.codeLabel")}
      hint={t("mfa.codeHint")}
      error={props.error}
      value={props.code.value}
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      width="short"
      onInput={(v) => {
        props.code.value = v;
      }}
    />
  );
}

/** The key as a QR code, drawn as squares of an SVG (no markup from a string). */
function QrCode(props: { text: string; label: string }) {
  const { data, size } = encode(props.text, { ecc: "M", border: 2 });
  const cells: string[] = [];
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) cells.push(`M${x} ${y}h1v1h-1z`);
    });
  });
  return (
    <svg
      class="qr"
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${size} ${size}`}
      width="232"
      height="232"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={cells.join("")} fill="#000" />
    </svg>
  );
}

/** Four characters at a time, so the key can be typed from the screen. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(" ") ?? secret;

const CODE = /^\d{6}$/;

function codeProblem(id: string, text: string): FormErrors {
  return { problems: [{ id, text }], byField: { [id]: text } };
}

/**
 * A second step at sign-in: an authenticator app's code. Staff need it for their powers; anyone may
 * set it up. The key is shown as a QR code and as text, a code from the app checks it, and a new
 * sign-in then carries the second step.
 */
export default function SecondStep() {
  const { route } = useLocation();
  const factor = useSignal<SecondFactor | undefined>(undefined);
  const secret = useSignal<string | undefined>(undefined);
  const stage = useSignal<"start" | "scan" | "verified">("start");
  const code = useSignal("");
  const again = useSignal("");
  const errors = useSignal<FormErrors>(noErrors);
  const failed = useSignal(false);
  const busy = useSignal(false);
  useEffect(() => {
    void secondFactor().then((f) => {
      factor.value = f;
    });
  }, []);

  const status = me.value?.mfa;
  const account = me.value?.member?.displayName ?? me.value?.subject ?? "";

  const attempt = async (work: () => Promise<void>) => {
    busy.value = true;
    failed.value = false;
    try {
      await work();
    } catch {
      failed.value = true;
    } finally {
      busy.value = false;
    }
  };

  const start = () =>
    attempt(async () => {
      if (!factor.value) return;
      secret.value = await factor.value.associate();
      code.value = "";
      errors.value = noErrors;
      stage.value = "scan";
    });

  const verify = (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!CODE.test(code.value.trim())) {
      errors.value = codeProblem("mfa-code", t("mfa.codeFormat"));
      return;
    }
    void attempt(async () => {
      if (!factor.value) return;
      if (await factor.value.verify(code.value.trim())) {
        errors.value = noErrors;
        stage.value = "verified";
      } else {
        errors.value = codeProblem("mfa-code", t("mfa.codeWrong"));
      }
    });
  };

  const signInAgain = (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = factor.value;
    if (!f) return;
    if (f.codeAtSignIn && !CODE.test(again.value.trim())) {
      errors.value = codeProblem("mfa-again", t("mfa.codeFormat"));
      return;
    }
    void attempt(async () => {
      if (await f.signInAgain(again.value.trim())) {
        errors.value = noErrors;
        // Locally the new token is here at once; staff go on to the screens they came for.
        if (f.codeAtSignIn && me.value?.mfa.required) route("/staff");
      } else {
        errors.value = codeProblem("mfa-again", t("mfa.codeWrong"));
      }
    });
  };

  const lead = status?.passed
    ? t("mfa.leadPassed")
    : status?.required
      ? t("mfa.leadRequired")
      : t("mfa.leadOptional");

  return (
    <Page title={t("mfa.title")} lead={lead}>
      {failed.value ? <Problem message={t("error.network")} /> : null}
      {stage.value === "start" ? (
        <>
          <p>{t("mfa.what")}</p>
          <Actions>
            <button type="button" disabled={busy.value || !factor.value} onClick={() => void start()}>
              {status?.passed ? t("mfa.replace") : t("mfa.start")}
            </button>
          </Actions>
        </>
      ) : null}
      {stage.value === "scan" && secret.value ? (
        <>
          <h2>{t("mfa.scanTitle")}</h2>
          <p>{t("mfa.scan")}</p>
          <QrCode
            text={keyUri(secret.value, t("app.name", { city: city().name }), account)}
            label={t("mfa.qrLabel")}
          />
          <p>{t("mfa.typeInstead")}</p>
          <p class="callout">
            <code id="mfa-secret">{grouped(secret.value)}</code>
          </p>
          <form onSubmit={verify} noValidate>
            <ErrorSummary problems={errors.value.problems} />
            <CodeInput id="mfa-code" code={code} error={errors.value.byField["mfa-code"]} />
            <Actions>
              <button type="submit" disabled={busy.value}>
                {t("mfa.verify")}
              </button>
            </Actions>
          </form>
        </>
      ) : null}
      {stage.value === "verified" ? (
        <>
          <Done>
            <p>{t("mfa.verified")}</p>
          </Done>
          <p>{t("mfa.signInAgain")}</p>
          <form onSubmit={signInAgain} noValidate>
            <ErrorSummary problems={errors.value.problems} />
            {factor.value?.codeAtSignIn ? (
              <CodeInput id="mfa-again" code={again} error={errors.value.byField["mfa-again"]} />
            ) : null}
            <Actions>
              <button type="submit" disabled={busy.value}>
                {t("mfa.signInAgainSubmit")}
              </button>
            </Actions>
          </form>
        </>
      ) : null}
    </Page>
  );
}
