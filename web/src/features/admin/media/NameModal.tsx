import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { FormError } from '../../../components/FormError';
import { notifySuccess } from '../../../components/notify';
import { useFieldErrors } from '../../../lib/form-errors';
import { useConfirmedClose } from '../../../lib/unsaved-changes';

/** Duplicate-name refusals belong to the name field. */
const NAME_CODES = { location_exists: 'name', group_exists: 'name', role_name_taken: 'name' };

/** Add or rename something that is only a name (a server location, a library group). */
export function NameModal(props: {
  title: string;
  label: string;
  initial?: string;
  maxLength: number;
  hint?: string;
  submitLabel: string;
  onSubmit: (name: string) => Promise<unknown>;
  success: (name: string) => string;
  onClose: () => void;
}) {
  const [name, setName] = useState(props.initial ?? '');
  const requestClose = useConfirmedClose(name !== (props.initial ?? ''), props.onClose);
  const trimmed = name.trim();
  const save = useMutation({
    mutationFn: () => props.onSubmit(trimmed),
    onSuccess: () => {
      notifySuccess(props.success(trimmed));
      props.onClose();
    },
  });
  const errors = useFieldErrors(save.error, { codeFields: NAME_CODES });
  return (
    <Modal opened onClose={requestClose} title={props.title} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <TextInput label={props.label} required data-autofocus maxLength={props.maxLength} value={name}
            error={errors.of('name')}
            onChange={(e) => {
              errors.clear('name');
              setName(e.currentTarget.value);
            }}
          />
          {props.hint && (
            <Text size="xs" c="dimmed">
              {props.hint}
            </Text>
          )}
          <FormError error={errors.formError} />
          <Group justify="flex-end">
            <Button variant="default" onClick={requestClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!trimmed || trimmed === props.initial}>
              {props.submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
