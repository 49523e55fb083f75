import type { ComponentChildren, TargetedMouseEvent } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../i18n/index.ts";

/** `aria-describedby` for a field's hint and error, in the order they are read. */
function described(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function Hint(props: { id: string; text?: string | undefined }) {
  return props.text ? (
    <p class="hint" id={`${props.id}-hint`}>
      {props.text}
    </p>
  ) : null;
}

/** The error next to its field: the word "Error" is spoken, and the field is outlined, not only coloured. */
function FieldError(props: { id: string; text?: string | undefined }) {
  return props.text ? (
    <p class="field-error" id={`${props.id}-error`}>
      <span class="visually-hidden">{t("form.errorPrefix")} </span>
      {props.text}
    </p>
  ) : null;
}

interface Base {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  /** Shown after the label: "(optional)". */
  optional?: boolean;
}

function Label(props: { id: string; label: string; optional?: boolean | undefined }) {
  return (
    <label for={props.id}>
      {props.label}
      {props.optional ? <span class="optional"> {t("form.optional")}</span> : null}
    </label>
  );
}

export function TextInput(
  props: Base & {
    value: string;
    onInput: (value: string) => void;
    type?: "text" | "email" | "tel" | "search";
    inputMode?: "numeric" | "decimal" | "email" | "tel" | "text" | "search";
    autoComplete?: string;
    maxLength?: number;
    width?: "short" | "medium" | "full";
    min?: number;
    max?: number;
  },
) {
  return (
    <div class={`field${props.error ? " has-error" : ""}`}>
      <Label id={props.id} label={props.label} optional={props.optional} />
      <Hint id={props.id} text={props.hint} />
      <FieldError id={props.id} text={props.error} />
      <input
        id={props.id}
        name={props.id}
        class={`input ${props.width ?? "full"}`}
        type={props.type ?? "text"}
        list={undefined}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? "off"}
        maxLength={props.maxLength}
        min={props.min}
        max={props.max}
        value={props.value}
        aria-describedby={described(props.id, props.hint, props.error)}
        aria-invalid={props.error ? "true" : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </div>
  );
}

export function TextArea(
  props: Base & { value: string; onInput: (value: string) => void; rows?: number; maxLength?: number },
) {
  return (
    <div class={`field${props.error ? " has-error" : ""}`}>
      <Label id={props.id} label={props.label} optional={props.optional} />
      <Hint id={props.id} text={props.hint} />
      <FieldError id={props.id} text={props.error} />
      <textarea
        id={props.id}
        name={props.id}
        class="input full"
        rows={props.rows ?? 4}
        maxLength={props.maxLength}
        value={props.value}
        aria-describedby={described(props.id, props.hint, props.error)}
        aria-invalid={props.error ? "true" : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
  hint?: string;
  lang?: string;
}

export function SelectField(
  props: Base & { value: string; onChange: (value: string) => void; options: Option[] },
) {
  return (
    <div class={`field${props.error ? " has-error" : ""}`}>
      <Label id={props.id} label={props.label} optional={props.optional} />
      <Hint id={props.id} text={props.hint} />
      <FieldError id={props.id} text={props.error} />
      <select
        id={props.id}
        name={props.id}
        class="input"
        value={props.value}
        aria-describedby={described(props.id, props.hint, props.error)}
        aria-invalid={props.error ? "true" : undefined}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value} lang={o.lang}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A group of choices under one question; the first choice carries the group's id (for error links). */
function Choices(
  props: Base & {
    type: "radio" | "checkbox";
    options: Option[];
    isChecked: (value: string) => boolean;
    onToggle: (value: string, checked: boolean) => void;
    inline?: boolean;
  },
) {
  return (
    <div class={`field${props.error ? " has-error" : ""}`}>
      <fieldset aria-describedby={described(props.id, props.hint, props.error)}>
        <legend>
          {props.label}
          {props.optional ? <span class="optional"> {t("form.optional")}</span> : null}
        </legend>
        <Hint id={props.id} text={props.hint} />
        <FieldError id={props.id} text={props.error} />
        <div class={`choices${props.inline ? " inline" : ""}`}>
          {props.options.map((o, i) => {
            const id = i === 0 ? props.id : `${props.id}-${o.value}`;
            return (
              <div class="choice" key={o.value}>
                <input
                  id={id}
                  type={props.type}
                  name={props.id}
                  value={o.value}
                  checked={props.isChecked(o.value)}
                  aria-describedby={o.hint ? `${id}-hint` : undefined}
                  onChange={(e) => props.onToggle(o.value, e.currentTarget.checked)}
                />
                <label for={id} lang={o.lang}>
                  {o.label}
                </label>
                {o.hint ? (
                  <p class="hint" id={`${id}-hint`}>
                    {o.hint}
                  </p>
                ) : null}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export function Radios(
  props: Base & { value: string; onChange: (value: string) => void; options: Option[]; inline?: boolean },
) {
  return (
    <Choices
      {...props}
      type="radio"
      isChecked={(v) => v === props.value}
      onToggle={(v, checked) => checked && props.onChange(v)}
    />
  );
}

export function Checkboxes(
  props: Base & {
    values: string[];
    onChange: (values: string[]) => void;
    options: Option[];
    inline?: boolean;
  },
) {
  return (
    <Choices
      {...props}
      type="checkbox"
      isChecked={(v) => props.values.includes(v)}
      onToggle={(v, checked) =>
        props.onChange(checked ? [...props.values, v] : props.values.filter((x) => x !== v))
      }
    />
  );
}

export interface FormProblem {
  /** The id of the field to jump to. */
  id: string;
  text: string;
}

/**
 * "There is a problem": every field that needs attention, named, each a link to its field. It takes
 * focus when it appears so the first thing heard after sending is what to fix.
 */
export function ErrorSummary(props: { problems: FormProblem[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (props.problems.length) box.current?.focus();
  }, [props.problems]);
  if (!props.problems.length) return null;
  const jump = (id: string) => (e: TargetedMouseEvent<HTMLAnchorElement>) => {
    const field = document.getElementById(id);
    if (!field) return;
    e.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  };
  return (
    <div class="error-summary" ref={box} tabIndex={-1} role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t("form.problemTitle")}</h2>
      <ul>
        {props.problems.map((p) => (
          <li key={p.id + p.text}>
            <a href={`#${p.id}`} onClick={jump(p.id)}>
              {p.text}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Buttons at the end of a form. */
export function Actions(props: { children: ComponentChildren }) {
  return <div class="actions">{props.children}</div>;
}
