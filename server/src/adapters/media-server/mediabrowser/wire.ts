/**
 * The parts of the Jellyfin/Emby wire objects Usher reads (integrations.md §2.3). Policies,
 * configurations and display preferences are handled as whole objects: Usher changes a few
 * fields and sends everything else back untouched.
 */

export type WirePolicy = Record<string, unknown> & {
  IsAdministrator?: boolean;
  IsDisabled?: boolean;
  IsHidden?: boolean;
  EnableAllFolders?: boolean;
  EnabledFolders?: string[] | null;
  EnableContentDownloading?: boolean;
  EnableAllDevices?: boolean;
  EnabledDevices?: string[] | null;
  AuthenticationProviderId?: string;
  PasswordResetProviderId?: string;
};

export interface WireUser {
  Id: string;
  Name: string;
  HasPassword?: boolean;
  Policy?: WirePolicy;
  Configuration?: Record<string, unknown>;
  ConnectUserName?: string;
  LastActivityDate?: string;
}

export interface WireSystemInfo {
  Id?: string;
  ServerName?: string;
  Version?: string;
  /** Jellyfin only ("Jellyfin Server"); Emby's system info has no such field. */
  ProductName?: string;
}

export interface WireQueryResult<T> {
  Items?: T[];
  TotalRecordCount?: number;
}

export interface WireVirtualFolder {
  Name?: string;
  ItemId?: string;
  CollectionType?: string;
}

export interface WireMediaFolder {
  Name?: string;
  Id?: string;
  Guid?: string;
  CollectionType?: string;
}

export interface WireMediaStream {
  Type?: string;
  Width?: number;
  Height?: number;
}

export interface WireSession {
  Id: string;
  UserId?: string;
  UserName?: string;
  Client?: string;
  DeviceName?: string;
  RemoteEndPoint?: string;
  NowPlayingItem?: {
    Id?: string;
    Name?: string;
    Type?: string;
    SeriesName?: string;
    MediaStreams?: WireMediaStream[];
  };
  PlayState?: { IsPaused?: boolean; PlayMethod?: string };
  TranscodingInfo?: { IsVideoDirect?: boolean };
}

export interface WireDevice {
  Id?: string;
  Name?: string;
  AppName?: string;
  LastUserId?: string;
  DateLastActivity?: string;
}

export interface WireActivityEntry {
  Id?: number;
  Name?: string;
  Type?: string;
  ItemId?: string;
  UserId?: string;
  Date?: string;
}

export interface WireConnectLinkResult {
  IsPending?: boolean;
  IsNewUserInvitation?: boolean;
  GuestDisplayName?: string;
}
