// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StepUpButton, type AuthKitProviderProps, type StepUpButtonProps } from '../../src/client/index.js';
import type { getClientAuth, stepUp } from '../../src/server/actions.js';

// Compile-time: the real server actions fit the props they are meant for.
export const actionFits: StepUpButtonProps['action'] = undefined as unknown as typeof stepUp;
export const getAuthFits: AuthKitProviderProps['getAuth'] = undefined as unknown as typeof getClientAuth;

afterEach(cleanup);

describe('StepUpButton', () => {
  it('renders its own form with hidden fields and the default label', () => {
    const { container } = render(<StepUpButton action={vi.fn()} maxAge={300} mfa returnTo="/billing" />);
    const button = screen.getByRole('button', { name: "Confirm it's you" });
    expect(button.getAttribute('type')).toBe('submit');
    expect(container.querySelectorAll('form')).toHaveLength(1);
    const value = (name: string) => container.querySelector<HTMLInputElement>(`input[type=hidden][name=${name}]`)?.value;
    expect(value('maxAge')).toBe('300');
    expect(value('mfa')).toBe('1');
    expect(value('returnTo')).toBe('/billing');
  });

  it('omits fields that were not asked for and takes children and button props', () => {
    const { container } = render(
      <StepUpButton action={vi.fn()} className="primary">
        Re-enter password
      </StepUpButton>,
    );
    const button = screen.getByRole('button', { name: 'Re-enter password' });
    expect(button.className).toBe('primary');
    expect(container.querySelectorAll('input')).toHaveLength(0);
  });

  it('without an action, renders only the button and fields, for the caller\u2019s form', () => {
    const { container } = render(
      <form>
        <StepUpButton maxAge={0} />
      </form>,
    );
    expect(container.querySelectorAll('form')).toHaveLength(1);
    expect(container.querySelector<HTMLInputElement>('input[name=maxAge]')?.value).toBe('0');
    expect(screen.getByRole('button', { name: "Confirm it's you" })).toBeTruthy();
  });

  it('submits the fields to the action and is disabled and aria-busy while pending', async () => {
    let finish!: () => void;
    const action = vi.fn((_form: FormData) => new Promise<void>((r) => (finish = r)));
    render(<StepUpButton action={action} maxAge={60} mfa />);
    const button = screen.getByRole('button', { name: "Confirm it's you" }) as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(button.getAttribute('aria-busy')).toBeNull();

    fireEvent.click(button);
    await waitFor(() => expect(button.disabled).toBe(true));
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(action).toHaveBeenCalledTimes(1);
    const form = action.mock.calls[0]![0];
    expect(form.get('maxAge')).toBe('60');
    expect(form.get('mfa')).toBe('1');

    await act(async () => finish());
    await waitFor(() => expect(button.disabled).toBe(false));
  });
});
