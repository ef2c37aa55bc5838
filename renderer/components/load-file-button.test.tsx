import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { LoadFileButton } from './load-file-button';

describe('"Load from file…"', () => {
  it('opens the file picker from its own button and hands over the file chosen', () => {
    const onFile = vi.fn();
    const { container } = render(<LoadFileButton onFile={onFile} />);
    const picker = container.querySelector('input[type="file"]') as HTMLInputElement;
    // Out of the tab order and hidden from screen readers: the labelled button is the control.
    expect(picker.tabIndex).toBe(-1);
    expect(picker.getAttribute('aria-hidden')).toBe('true');
    const opened = vi.spyOn(picker, 'click');
    fireEvent.click(screen.getByRole('button', { name: 'Load from file…' }));
    expect(opened).toHaveBeenCalledTimes(1);

    const file = new File(['10.0.0.7\n'], 'servers.txt', { type: 'text/plain' });
    Object.defineProperty(picker, 'files', { value: [file], configurable: true });
    fireEvent.change(picker);
    expect(onFile).toHaveBeenCalledTimes(1);
    expect(onFile).toHaveBeenCalledWith(file);
  });

  it('a picker closed without a choice hands over nothing', () => {
    const onFile = vi.fn();
    const { container } = render(<LoadFileButton onFile={onFile} />);
    const picker = container.querySelector('input[type="file"]') as HTMLInputElement;
    Object.defineProperty(picker, 'files', { value: [], configurable: true });
    fireEvent.change(picker);
    expect(onFile).not.toHaveBeenCalled();
  });
});
