import { Button, Group, Modal, Stack, Stepper, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { FormError } from '../../../components/FormError';
import { useFieldErrors } from '../../../lib/form-errors';
import type { ServerKind } from '../media/format';
import type { Server } from '../media/queries';
import { DEFAULT_OPTIONS, optionsProblem, ServerOptionsFields, type ServerOptionsValues } from './ServerOptionsFields';

export interface ConnectionStep {
  label: string;
  description: string;
  content: ReactNode;
  /** Whether "Next" may leave this step. */
  complete: boolean;
}

/**
 * The add-server dialog every kind shares: its own connection steps, then the same Options step
 * and Save. Errors the server places on a field show beside it; the rest at the foot.
 */
export function AddServerStepper(props: {
  title: string;
  kind: ServerKind;
  steps: ConnectionStep[];
  save: (options: ServerOptionsValues) => Promise<Server>;
  onAdded: (server: Server) => Promise<unknown>;
  onClose: () => void;
  /** Called when "Next" leaves the last connection step (e.g. to read Emby Premiere from the test). */
  onOptionsShown?: (options: ServerOptionsValues) => ServerOptionsValues;
}) {
  const [step, setStep] = useState(0);
  const [options, setOptions] = useState<ServerOptionsValues>(DEFAULT_OPTIONS);
  const save = useMutation({
    mutationFn: () => props.save(options),
    onSuccess: async (server) => {
      await props.onAdded(server);
      props.onClose();
    },
  });
  const errors = useFieldErrors(save.error, { codeFields: { wrong_server_kind: 'url', server_exists: 'url' } });
  const optionsStep = props.steps.length;
  const problem = optionsProblem(options);
  const next = () => {
    if (step === optionsStep - 1 && props.onOptionsShown) setOptions(props.onOptionsShown(options));
    setStep(step + 1);
  };
  const connectionError = errors.of('url');

  return (
    <Modal opened onClose={props.onClose} title={props.title} centered size="xl">
      <Stepper active={step} onStepClick={(s) => s < step && setStep(s)} size="sm" allowNextStepsSelect={false}>
        {props.steps.map((s) => (
          <Stepper.Step key={s.label} label={s.label} description={s.description}>
            <Stack mt="md">{s.content}</Stack>
          </Stepper.Step>
        ))}
        <Stepper.Step label="Options" description="Capacity and rules">
          <Stack mt="md">
            <ServerOptionsFields kind={props.kind} values={options} onChange={setOptions} errors={errors} />
            <Text size="sm" c="dimmed">
              The server is added disabled: nobody is placed on it until you enable it. Its libraries are read at once; put them in groups, then enable it.
            </Text>
            {connectionError && (
              <Text size="sm" c="red" role="alert">
                {connectionError} Go back to the connection step to change it.
              </Text>
            )}
            <FormError error={errors.formError} />
          </Stack>
        </Stepper.Step>
      </Stepper>
      <Group justify="space-between" mt="xl">
        <Button variant="default" onClick={step === 0 ? props.onClose : () => setStep(step - 1)}>
          {step === 0 ? 'Cancel' : 'Back'}
        </Button>
        {step < optionsStep ? (
          <Button onClick={next} disabled={!props.steps[step]?.complete}>
            Next
          </Button>
        ) : (
          <Button onClick={() => save.mutate()} loading={save.isPending} disabled={problem !== null}>
            Save
          </Button>
        )}
      </Group>
    </Modal>
  );
}
