import { ActionIcon, Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconTrash } from '@tabler/icons-react';
import { api, unwrap } from '../../../api/client';
import { QueryError } from '../../../components/QueryError';
import { notifyError, notifySuccess } from '../../../components/notify';
import { formatDateTime } from '../../../lib/format';
import { MEDIA_KEY } from '../media/queries';

/** Reference §2.15: the member's Emby devices per server, against their plan's cap; hidden without an Emby account. */
export function DevicesCard({ memberId, writable }: { memberId: string; writable: boolean }) {
  const queryClient = useQueryClient();
  const key = [...MEDIA_KEY, 'members', 'devices', memberId];
  const devices = useQuery({
    queryKey: key,
    queryFn: async () => (await unwrap(api.GET('/api/admin/members/{id}/devices', { params: { path: { id: memberId } } }))).items,
  });
  if (devices.data && devices.data.length === 0) return null;

  const remove = async (serverId: string, deviceId: string) => {
    try {
      await unwrap(api.DELETE('/api/admin/members/{id}/devices/{serverId}/{deviceId}', { params: { path: { id: memberId, serverId, deviceId } } }));
      notifySuccess('Device deleted; it is signed out of Emby.');
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (error) {
      notifyError(error);
    }
  };

  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={3} size="h4">
          Emby devices
        </Title>
        {devices.error && <QueryError error={devices.error} />}
        {devices.data?.map((server) => (
          <Stack key={server.serverId} gap="xs">
            <Group justify="space-between">
              <Text fw={500}>{server.serverName}</Text>
              <Badge variant="light" color={server.cap !== null && server.devices.length >= server.cap ? 'orange' : 'gray'}>
                {server.cap === null ? `${server.devices.length} devices · no limit` : `${server.devices.length} of ${server.cap} devices`}
              </Badge>
            </Group>
            {server.error && (
              <Text size="sm" c="red">
                Could not read the server: {server.error}
              </Text>
            )}
            {!server.error && server.devices.length === 0 && (
              <Text size="sm" c="dimmed">
                No device has signed in as this member.
              </Text>
            )}
            {server.devices.length > 0 && (
              <Table.ScrollContainer minWidth={320}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Device</Table.Th>
                      <Table.Th>Last seen</Table.Th>
                      <Table.Th aria-label="Actions" />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {server.devices.map((d) => (
                      <Table.Tr key={d.id}>
                        <Table.Td>
                          <Text size="sm">{d.name}</Text>
                          {d.app && (
                            <Text size="xs" c="dimmed">
                              {d.app}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{d.lastActiveAt ? formatDateTime(d.lastActiveAt) : '—'}</Table.Td>
                        <Table.Td>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={`Delete ${d.name}`}
                            disabled={!writable}
                            onClick={() => void remove(server.serverId, d.id)}
                          >
                            <IconTrash size={16} />
                          </ActionIcon>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        ))}
      </Stack>
    </Card>
  );
}
