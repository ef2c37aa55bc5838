import { useId, type ReactNode } from 'react';
import type { Text } from '../i18n/message';
import { useTranslator } from '../i18n/use-translator';

// One text field as every page writes it: the label, the input, what is wrong with the value right under it
// (aria-invalid set, and the problem and the hint in aria-describedby, so a screen reader reads them with the
// field), and the buttons that belong to it (Browse, Show, Load from file) in a row beside the input.

/** A secret's Show/Hide button: the value is masked until the admin asks to see it. */
export interface Reveal {
  readonly shown: boolean;
  readonly toggle: () => void;
  readonly showLabel: string;
  readonly hideLabel: string;
}

export interface TextFieldProps {
  /** Fixed where something outside the page looks for the field (bench/wizard); otherwise a fresh one. */
  readonly id?: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onBlur?: () => void;
  /** What is wrong with the value now; undefined when nothing is. */
  readonly problem?: Text;
  readonly hint?: string;
  /** A password without a Show button; with `reveal` the button decides. */
  readonly masked?: boolean;
  readonly reveal?: Reveal;
  readonly placeholder?: string;
  readonly inputMode?: 'text' | 'numeric';
  readonly className?: string;
  /** Buttons beside the input, after the Show button. */
  readonly beside?: ReactNode;
  /** More under the field that is not its description (a note about what is installed). */
  readonly children?: ReactNode;
}

export function TextField(props: TextFieldProps) {
  const { text } = useTranslator();
  const ownId = useId();
  const problemId = useId();
  const hintId = useId();
  const id = props.id ?? ownId;
  const describedBy = [props.problem !== undefined && problemId, props.hint !== undefined && hintId]
    .filter((part): part is string => typeof part === 'string')
    .join(' ');
  const input = (
    <input
      id={id}
      type={(props.reveal ? !props.reveal.shown : props.masked) ? 'password' : 'text'}
      inputMode={props.inputMode}
      className={props.className}
      spellCheck="false"
      autoComplete="off"
      placeholder={props.placeholder}
      value={props.value}
      aria-invalid={props.problem !== undefined}
      aria-describedby={describedBy || undefined}
      onChange={(event) => props.onChange(event.target.value)}
      onBlur={props.onBlur}
    />
  );
  const reveal = props.reveal ? (
    <button type="button" aria-pressed={props.reveal.shown} aria-controls={id} onClick={props.reveal.toggle}>
      {props.reveal.shown ? props.reveal.hideLabel : props.reveal.showLabel}
    </button>
  ) : null;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {reveal || props.beside ? (
        <div className="row">
          {input}
          {reveal}
          {props.beside}
        </div>
      ) : (
        input
      )}
      {props.problem !== undefined ? (
        <p id={problemId} className="field-error">
          {text(props.problem)}
        </p>
      ) : null}
      {props.hint !== undefined ? (
        <p id={hintId} className="hint">
          {props.hint}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}
