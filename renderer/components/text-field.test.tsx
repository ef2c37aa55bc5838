import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { message } from '../i18n/message';
import { TextField, type TextFieldProps } from './text-field';

// The one field every page's text inputs go through: what a screen reader hears with it, and the Show button.

function Field({
  store = (typed) => typed,
  ...props
}: Omit<TextFieldProps, 'value' | 'onChange'> & {
  readonly onChange?: (value: string) => void;
  /** What the page keeps of what was typed. */
  readonly store?: (typed: string) => string;
}) {
  const [value, setValue] = useState('');
  return (
    <TextField
      {...props}
      value={value}
      onChange={(next) => {
        setValue(store(next));
        props.onChange?.(next);
      }}
    />
  );
}

function description(field: HTMLElement): string[] {
  return (field.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter((id) => id !== '')
    .map((id) => document.getElementById(id)?.textContent ?? `(no element ${id})`);
}

describe('a text field', () => {
  it('without a problem: not invalid, described by its hint alone, and hands typed text to onChange', () => {
    const onChange = vi.fn();
    render(<Field label="User" hint="The account that signs in" onChange={onChange} store={(typed) => typed.trim()} />);
    const field = screen.getByRole('textbox', { name: 'User' });
    expect(field.getAttribute('aria-invalid')).toBe('false');
    expect(field.getAttribute('spellcheck')).toBe('false');
    expect(description(field)).toEqual(['The account that signs in']);
    fireEvent.input(field, { target: { value: ' root ' } });
    expect(onChange).toHaveBeenCalledWith(' root ');
    // The field shows what the page keeps, not merely what was typed.
    expect((field as HTMLInputElement).value).toBe('root');
  });

  it('with a problem: invalid, the problem said in the chosen language under it and read before the hint', () => {
    render(
      <Field label="Install location" problem={message('location.enter')} hint="Where the agent goes" id="fixed-id" />,
    );
    const field = screen.getByRole('textbox', { name: 'Install location' });
    expect(field.getAttribute('id')).toBe('fixed-id');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(description(field)).toEqual(['Enter an install location', 'Where the agent goes']);
    expect(screen.getByText('Enter an install location')?.classList.contains('field-error')).toBe(true);
  });

  it('engine text as the problem is shown as sent; no hint and no problem: no description at all', () => {
    const { rerender } = render(
      <TextField label="Key file" value="" onChange={() => undefined} problem="No such file" />,
    );
    expect(description(screen.getByRole('textbox', { name: 'Key file' }))).toEqual(['No such file']);
    rerender(<TextField label="Key file" value="" onChange={() => undefined} />);
    expect(screen.getByRole('textbox', { name: 'Key file' }).hasAttribute('aria-describedby')).toBe(false);
    expect(screen.queryByText('No such file')).toBeNull();
  });

  it('a secret with Show: masked until the pressed button shows it, and masked again on Hide', () => {
    function Secret() {
      const [shown, setShown] = useState(false);
      return (
        <Field
          label="Passphrase"
          reveal={{ shown, toggle: () => setShown((was) => !was), showLabel: 'Show', hideLabel: 'Hide' }}
        />
      );
    }
    render(<Secret />);
    const field = screen.getByLabelText('Passphrase');
    expect(field.getAttribute('type')).toBe('password');
    const show = screen.getByRole('button', { name: 'Show' });
    expect(show.getAttribute('aria-pressed')).toBe('false');
    expect(show.getAttribute('aria-controls')).toBe(field.id);
    fireEvent.click(show);
    expect(field.getAttribute('type')).toBe('text');
    fireEvent.click(screen.getByRole('button', { name: 'Hide' }));
    expect(field.getAttribute('type')).toBe('password');
  });

  it('masked without a Show button, and the buttons beside it in a row with the input', () => {
    render(
      <>
        <Field label="Passphrase" masked />
        <Field label="Location" beside={<button type="button">Browse</button>} />
      </>,
    );
    expect(screen.getByLabelText('Passphrase').getAttribute('type')).toBe('password');
    expect(screen.queryByRole('button', { name: 'Show' })).toBeNull();
    const row = screen.getByRole('button', { name: 'Browse' }).parentElement;
    expect(row?.classList.contains('row')).toBe(true);
    expect(row?.contains(screen.getByRole('textbox', { name: 'Location' }))).toBe(true);
  });
});
