import { PasswordInput, Switch, TextInput } from '@mantine/core';
import { useState } from 'react';
import { api, unwrap } from '../../../api/client';
import { FormError } from '../../../components/FormError';
import { useFieldErrors } from '../../../lib/form-errors';
import { KIND_LABEL } from '../media/format';
import type { Server } from '../media/queries';
import { AddServerStepper } from './AddServerStepper';
import { IdentityAlert, TestConnectionButton, useConnectionTest } from './connection-test';
import { optionsBody } from './ServerOptionsFields';

export const API_KEY_HELP: Record<'jellyfin' | 'emby', string> = {
  jellyfin: 'Dashboard → API Keys → +, in Jellyfin.',
  emby: 'Settings → Advanced → API Keys → New API Key, in Emby.',
};

/** Connection errors that are about one field: "this is an Emby server" belongs to the URL. */
export const CONNECTION_ERROR_FIELDS = { wrong_server_kind: 'url', api_key_required: 'apiKey' };

export function AddMediaBrowserServerModal({ kind, onClose, onAdded }: { kind: 'jellyfin' | 'emby'; onClose: () => void; onAdded: (server: Server) => Promise<unknown> }) {
  const label = KIND_LABEL[kind];
  const [url, setUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [allowSelfSigned, setAllowSelfSigned] = useState(false);
  const connection = url.trim() && apiKey.trim() ? { kind, url: url.trim(), apiKey: apiKey.trim(), allowSelfSigned } : null;
  const test = useConnectionTest(connection);
  const errors = useFieldErrors(test.error, { codeFields: CONNECTION_ERROR_FIELDS });

  return (
    <AddServerStepper
      title={`Add ${label} server`}
      kind={kind}
      onClose={onClose}
      onAdded={onAdded}
      // Emby Premiere starts as the server reports it; the admin may still change the switch.
      onOptionsShown={(o) => (test.identity?.premium !== undefined ? { ...o, hasEmbyPremiere: test.identity.premium } : o)}
      save={(options) => {
        const { enabled: _enabled, hasEmbyPremiere, ...rest } = options;
        const premiere = kind === 'emby' ? { hasEmbyPremiere } : {};
        return unwrap(api.POST('/api/admin/servers', { body: { ...connection!, ...optionsBody(rest), ...premiere } }));
      }}
      steps={[
        {
          label: 'Connection',
          description: 'URL and API key',
          complete: test.identity !== null,
          content: (
            <>
              <TextInput
                label="Server URL"
                description="An address this site can reach, with the port, e.g. https://media.example.com or http://10.0.0.5:8096."
                placeholder={kind === 'jellyfin' ? 'http://jellyfin.example.com:8096' : 'http://emby.example.com:8096'}
                required
                data-autofocus
                value={url}
                error={errors.of('url')}
                onChange={(e) => {
                  errors.clear('url');
                  setUrl(e.currentTarget.value);
                }}
              />
              <PasswordInput
                label="API key"
                description={API_KEY_HELP[kind]}
                required
                autoComplete="off"
                value={apiKey}
                error={errors.of('apiKey')}
                onChange={(e) => {
                  errors.clear('apiKey');
                  setApiKey(e.currentTarget.value);
                }}
              />
              <Switch
                label="Allow a self-signed certificate"
                description="Only for an HTTPS address whose certificate no public authority signed."
                checked={allowSelfSigned}
                onChange={(e) => setAllowSelfSigned(e.currentTarget.checked)}
              />
              <TestConnectionButton test={test} disabled={!connection} />
              {test.identity && <IdentityAlert identity={test.identity} kind={kind} />}
              <FormError error={errors.formError} />
            </>
          ),
        },
      ]}
    />
  );
}
