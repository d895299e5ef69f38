import type { ButtonHTMLAttributes } from 'react';
import { useFormStatus } from 'react-dom';

export interface StepUpButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> {
  /** The `stepUp` server action: the button brings its own form. Without it, place the button inside yours. */
  action?: (formData: FormData) => void | Promise<void>;
  /** Seconds a sign-in stays fresh enough; omitted means "re-authenticate now". */
  maxAge?: number;
  mfa?: boolean;
  /** Where to come back to; by default the page the action was posted from. */
  returnTo?: string;
}

/** "Confirm it's you": submits a step-up, disabled and `aria-busy` while the form is submitting. */
export function StepUpButton({ action, children = "Confirm it's you", maxAge, mfa, returnTo, disabled, ...buttonProps }: StepUpButtonProps) {
  const fields = (
    <>
      {maxAge !== undefined && <input type="hidden" name="maxAge" value={maxAge} />}
      {mfa && <input type="hidden" name="mfa" value="1" />}
      {returnTo !== undefined && <input type="hidden" name="returnTo" value={returnTo} />}
      <Submit {...buttonProps} disabled={disabled}>
        {children}
      </Submit>
    </>
  );
  return action ? <form action={action}>{fields}</form> : fields;
}

// useFormStatus reads the nearest parent form, so it must live in a child of the <form>.
function Submit({ disabled, ...props }: ButtonHTMLAttributes<HTMLButtonElement>) {
  const { pending } = useFormStatus();
  return <button {...props} type="submit" disabled={pending || disabled} aria-busy={pending || undefined} />;
}
