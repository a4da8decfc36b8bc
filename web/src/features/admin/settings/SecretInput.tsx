import { Anchor, Badge, Group, PasswordInput } from '@mantine/core';

export interface SecretState {
  /** What the operator typed; undefined while untouched. */
  value?: string;
  cleared?: boolean;
}

/**
 * A write-only field: the server never returns the secret, only whether one is stored. Typing
 * replaces it, "Clear" removes it, leaving it alone keeps it.
 */
export function SecretInput({ label, set, state, onChange }: { label: string; set: boolean; state: SecretState; onChange: (next: SecretState) => void }) {
  const stored = set && !state.cleared;
  let description;
  if (state.cleared) {
    description = (
      <>
        Cleared when you save.{' '}
        <Anchor component="button" type="button" size="xs" onClick={() => onChange({})}>
          Undo
        </Anchor>
      </>
    );
  } else if (stored && state.value === undefined) {
    description = (
      <>
        Leave empty to keep it.{' '}
        <Anchor component="button" type="button" size="xs" c="red" onClick={() => onChange({ cleared: true })}>
          Clear the stored value
        </Anchor>
      </>
    );
  }
  return (
    <PasswordInput
      label={
        <Group gap={6} component="span" display="inline-flex">
          {label}
          <Badge size="xs" variant="light" color={stored ? 'green' : 'gray'} component="span">
            {stored ? 'set' : 'not set'}
          </Badge>
        </Group>
      }
      description={description}
      placeholder={stored ? '••••••••' : 'Not set'}
      autoComplete="new-password"
      value={state.value ?? ''}
      onChange={(event) => onChange(event.currentTarget.value ? { value: event.currentTarget.value } : {})}
    />
  );
}
