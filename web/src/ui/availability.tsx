import { formatWeekday } from "../i18n/format.ts";
import { t } from "../i18n/index.ts";

export interface Window {
  day: number;
  from: string;
  to: string;
}

/** Parts of a day people think in, rather than clock times. */
export const dayParts = [
  { id: "morning", from: "09:00", to: "12:00" },
  { id: "afternoon", from: "12:00", to: "17:00" },
  { id: "evening", from: "17:00", to: "21:00" },
] as const;
export type DayPart = (typeof dayParts)[number]["id"];
export const days = [0, 1, 2, 3, 4, 5, 6] as const;

/** "day:part" keys of the parts a set of windows touches. */
export function partsOf(windows: readonly Window[]): string[] {
  const keys: string[] = [];
  for (const w of windows) {
    for (const part of dayParts) {
      if (w.from < part.to && w.to > part.from) keys.push(`${w.day}:${part.id}`);
    }
  }
  return [...new Set(keys)];
}

/** Windows from chosen parts, neighbouring parts of a day joined into one window. */
export function windowsOf(keys: readonly string[]): Window[] {
  const windows: Window[] = [];
  for (const day of days) {
    let current: Window | undefined;
    for (const part of dayParts) {
      if (keys.includes(`${day}:${part.id}`)) {
        if (current && current.to === part.from) current.to = part.to;
        else {
          current = { day, from: part.from, to: part.to };
          windows.push(current);
        }
      } else current = undefined;
    }
  }
  return windows;
}

const partLabel = (id: DayPart) => t(`availability.${id}`);

/**
 * A week of checkboxes, one group per day: "Monday: morning, afternoon, evening". Each day is its own
 * fieldset so a screen reader says which day a box belongs to.
 */
export function WeekGrid(props: {
  id: string;
  legend: string;
  hint?: string;
  error?: string | undefined;
  value: string[];
  onChange: (keys: string[]) => void;
}) {
  const toggle = (key: string, on: boolean) =>
    props.onChange(on ? [...props.value, key] : props.value.filter((k) => k !== key));
  return (
    <div class={`field${props.error ? " has-error" : ""}`}>
      <fieldset aria-describedby={props.hint ? `${props.id}-hint` : undefined}>
        <legend>{props.legend}</legend>
        {props.hint ? (
          <p class="hint" id={`${props.id}-hint`}>
            {props.hint}
          </p>
        ) : null}
        {props.error ? (
          <p class="field-error">
            <span class="visually-hidden">{t("form.errorPrefix")} </span>
            {props.error}
          </p>
        ) : null}
        <div class="week">
          {days.map((day) => (
            <fieldset class="day" key={day}>
              <legend>{formatWeekday(day)}</legend>
              <div class="choices inline">
                {dayParts.map((part, i) => {
                  const key = `${day}:${part.id}`;
                  const id = day === 0 && i === 0 ? props.id : `${props.id}-${day}-${part.id}`;
                  return (
                    <div class="choice" key={key}>
                      <input
                        id={id}
                        type="checkbox"
                        checked={props.value.includes(key)}
                        onChange={(e) => toggle(key, e.currentTarget.checked)}
                      />
                      <label for={id}>{partLabel(part.id)}</label>
                    </div>
                  );
                })}
              </div>
            </fieldset>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/** "Monday 09:00–12:00, Friday 17:00–21:00" in words of the current language. */
export function describeWindows(windows: readonly Window[]): string {
  return windows
    .map((w) => t("availability.window", { day: formatWeekday(w.day), from: w.from, to: w.to }))
    .join("; ");
}
