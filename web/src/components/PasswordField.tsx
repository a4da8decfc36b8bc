import { PasswordInput, type PasswordInputProps } from '@mantine/core';

export const PASSWORD_RULES = 'At least 8 characters, with upper and lower case letters, a digit and a symbol.';

/** A new password: shows the server's policy up front so nobody learns it from a rejection. */
export function NewPasswordField(props: PasswordInputProps) {
  return <PasswordInput autoComplete="new-password" description={PASSWORD_RULES} {...props} />;
}
