import { omitNulls } from './defaults.js';
import type { MediaBrowserState } from './state.js';
import type { ActivityEntry, FakeDevice, FakeItem, FakeLibrary, FakeSession, FakeUser, Json } from './types.js';

/**
 * Wire shapes of both servers: PascalCase, GUIDs as 32 hex digits, nulls omitted. Only fields the
 * published OpenAPI documents define are written (Jellyfin's schemas forbid any other).
 */

export function userDto(state: MediaBrowserState, user: FakeUser): Json {
  const hasPassword = user.password !== '';
  const base: Json = {
    Name: user.name,
    ServerId: state.serverId,
    Id: user.id,
    HasPassword: hasPassword,
    HasConfiguredPassword: hasPassword,
    HasConfiguredEasyPassword: false,
    EnableAutoLogin: false,
    LastLoginDate: user.lastActivityDate,
    LastActivityDate: user.lastActivityDate,
    Configuration: user.configuration,
    Policy: user.policy,
  };
  if (state.flavor === 'jellyfin') return omitNulls({ ...base, ServerName: state.serverName });
  return omitNulls({
    ...base,
    ServerName: state.serverName,
    Prefix: user.name.charAt(0).toUpperCase(),
    DateCreated: user.dateCreated,
    ConnectUserName: user.connectUserName,
    ConnectLinkType: user.connectUserName ? 'LinkedUser' : null,
  });
}

const COLLECTION_OPTIONS = new Set(['movies', 'tvshows', 'music', 'musicvideos', 'homevideos', 'boxsets', 'books', 'mixed']);

export function virtualFolder(state: MediaBrowserState, lib: FakeLibrary): Json {
  const base: Json = {
    Name: lib.name,
    Locations: lib.locations,
    CollectionType: state.flavor === 'jellyfin' && !COLLECTION_OPTIONS.has(lib.collectionType) ? null : lib.collectionType,
    LibraryOptions: { Enabled: true, EnableRealtimeMonitor: true, PathInfos: lib.locations.map((Path) => ({ Path })) },
    ItemId: lib.id,
    PrimaryImageItemId: lib.id,
    RefreshStatus: 'Idle',
  };
  if (state.flavor === 'jellyfin') return omitNulls(base);
  return omitNulls({ ...base, Id: lib.id, Guid: lib.guid, LibraryOptions: { EnableRealtimeMonitor: true, PathInfos: lib.locations.map((Path) => ({ Path })) } });
}

/** `/Library/MediaFolders` entries: the libraries as CollectionFolder items. */
export function mediaFolderItem(state: MediaBrowserState, lib: FakeLibrary): Json {
  const base: Json = { Name: lib.name, ServerId: state.serverId, Id: lib.id, Type: 'CollectionFolder', IsFolder: true, CollectionType: lib.collectionType };
  return state.flavor === 'emby' ? { ...base, Guid: lib.guid } : base;
}

export function selectableMediaFolder(lib: FakeLibrary): Json {
  return { Name: lib.name, Id: lib.id, Guid: lib.guid, SubFolders: lib.locations.map((Path, i) => ({ Name: Path.split('/').pop(), Id: String(i + 1), Path, IsUserAccessConfigurable: true })), IsUserAccessConfigurable: true };
}

function mediaStreams(state: MediaBrowserState, item: FakeItem): Json[] {
  if (item.width === undefined || item.height === undefined) return [];
  const video: Json = { Codec: 'hevc', Type: 'Video', Index: 0, Width: item.width, Height: item.height, IsDefault: true, IsForced: false, IsExternal: false, IsInterlaced: false, IsTextSubtitleStream: false, SupportsExternalStream: false, BitRate: item.width >= 3840 ? 40_000_000 : 8_000_000 };
  const audio: Json = { Codec: 'eac3', Type: 'Audio', Index: 1, Channels: 6, Language: 'eng', IsDefault: true, IsForced: false, IsExternal: false, IsInterlaced: false, IsTextSubtitleStream: false, SupportsExternalStream: false };
  if (state.flavor === 'jellyfin') {
    video.VideoRange = item.width >= 3840 ? 'HDR' : 'SDR';
    video.VideoRangeType = item.width >= 3840 ? 'HDR10' : 'SDR';
    video.AudioSpatialFormat = 'None';
    audio.VideoRange = 'Unknown';
    audio.VideoRangeType = 'Unknown';
    audio.AudioSpatialFormat = 'None';
  }
  return [video, audio];
}

export function itemDto(state: MediaBrowserState, item: FakeItem, withStreams: boolean): Json {
  const audio = item.type === 'Audio' || item.type === 'MusicAlbum';
  return omitNulls({
    Name: item.name,
    ServerId: state.serverId,
    Id: item.id,
    Type: item.type,
    MediaType: item.type === 'Series' || item.type === 'MusicAlbum' ? null : audio ? 'Audio' : item.type === 'Book' ? 'Book' : item.type === 'Photo' ? 'Photo' : 'Video',
    IsFolder: item.type === 'Series' || item.type === 'MusicAlbum',
    RunTimeTicks: item.runTimeTicks,
    ProductionYear: item.productionYear ?? null,
    SeriesName: item.seriesName ?? null,
    SeasonName: item.seasonName ?? null,
    IndexNumber: item.indexNumber ?? null,
    ParentIndexNumber: item.parentIndexNumber ?? null,
    ParentId: state.flavor === 'jellyfin' ? item.libraryId : null,
    ...(withStreams ? { MediaStreams: mediaStreams(state, item) } : {}),
  });
}

function transcodingInfo(state: MediaBrowserState, session: FakeSession, item: FakeItem): Json | null {
  if (session.transcode === 'none') return null;
  const videoDirect = session.transcode === 'audio';
  const width = videoDirect ? (item.width ?? 1920) : 1920;
  const height = videoDirect ? (item.height ?? 1080) : 1080;
  const base: Json = {
    AudioCodec: 'aac',
    VideoCodec: videoDirect ? 'hevc' : 'h264',
    Container: 'ts',
    IsVideoDirect: videoDirect,
    IsAudioDirect: false,
    Bitrate: 8_000_000,
    Framerate: 23.976,
    CompletionPercentage: 12.5,
    Width: width,
    Height: height,
    AudioChannels: 2,
    TranscodeReasons: videoDirect ? ['AudioCodecNotSupported'] : ['VideoCodecNotSupported', 'AudioCodecNotSupported'],
  };
  return state.flavor === 'jellyfin' ? { ...base, HardwareAccelerationType: 'none' } : { ...base, SubProtocol: 'hls' };
}

export function sessionDto(state: MediaBrowserState, session: FakeSession): Json {
  const user = state.users.get(session.userId);
  const item = session.itemId ? state.items.get(session.itemId) : undefined;
  const playMethod = item ? (session.transcode === 'none' ? 'DirectPlay' : 'Transcode') : null;
  const playState: Json = {
    PositionTicks: item ? session.positionTicks : null,
    CanSeek: Boolean(item),
    IsPaused: session.paused,
    IsMuted: false,
    VolumeLevel: 100,
    MediaSourceId: item?.id ?? null,
    PlayMethod: playMethod,
    RepeatMode: 'RepeatNone',
  };
  const base: Json = {
    PlayState: state.flavor === 'jellyfin' ? { ...playState, PlaybackOrder: 'Default' } : { ...playState, SubtitleOffset: 0, Shuffle: false, PlaybackRate: 1 },
    AdditionalUsers: [],
    RemoteEndPoint: session.remoteEndPoint,
    PlayableMediaTypes: ['Audio', 'Video'],
    Id: session.id,
    UserId: session.userId,
    UserName: user?.name ?? null,
    Client: session.client,
    LastActivityDate: session.lastActivityDate,
    DeviceName: session.deviceName,
    NowPlayingItem: item ? itemDto(state, item, true) : null,
    DeviceId: session.deviceId,
    ApplicationVersion: session.applicationVersion,
    TranscodingInfo: item ? transcodingInfo(state, session, item) : null,
    SupportsRemoteControl: true,
    ServerId: state.serverId,
    SupportedCommands: [],
  };
  if (state.flavor === 'jellyfin') {
    return omitNulls({
      ...base,
      LastPlaybackCheckIn: session.lastActivityDate,
      IsActive: true,
      SupportsMediaControl: true,
      HasCustomDeviceName: false,
      NowPlayingQueue: [],
      Capabilities: { PlayableMediaTypes: ['Audio', 'Video'], SupportedCommands: [], SupportsMediaControl: true, SupportsPersistentIdentifier: true },
    });
  }
  const device = state.devices.get(session.deviceId);
  return omitNulls({ ...base, Protocol: 'HTTP/1.1', InternalDeviceId: device?.internalId ?? 0, AppIconUrl: 'https://github.com/MediaBrowser/Emby.Resources/raw/master/images/devices/web.png' });
}

export function deviceDto(state: MediaBrowserState, device: FakeDevice): Json {
  const base: Json = {
    Name: device.name,
    Id: device.id,
    LastUserName: device.lastUserName,
    AppName: device.appName,
    AppVersion: device.appVersion,
    LastUserId: device.lastUserId,
    DateLastActivity: device.dateLastActivity,
  };
  if (state.flavor === 'jellyfin') return { ...base, Capabilities: { PlayableMediaTypes: ['Audio', 'Video'], SupportedCommands: [], SupportsMediaControl: true, SupportsPersistentIdentifier: true } };
  return { ...base, InternalId: device.internalId, ReportedDeviceId: device.id, IpAddress: device.ipAddress };
}

export function activityDto(state: MediaBrowserState, entry: ActivityEntry): Json {
  return omitNulls({
    Id: entry.id,
    Name: entry.name,
    ShortOverview: entry.shortOverview,
    Type: entry.type,
    ItemId: entry.itemId ?? null,
    Date: entry.date,
    UserId: entry.userId,
    // Emby uses its logger's level names (Info, Warn, Error).
    Severity: state.flavor === 'emby' ? { Information: 'Info', Warning: 'Warn', Error: 'Error' }[entry.severity] : entry.severity,
  });
}

export function systemInfo(state: MediaBrowserState, localAddress: string, full: boolean): Json {
  const common: Json = { LocalAddress: localAddress, ServerName: state.serverName, Id: state.serverId };
  if (state.flavor === 'jellyfin') {
    const pub = { ...common, Version: '10.11.0', ProductName: 'Jellyfin Server', OperatingSystem: '', StartupWizardCompleted: true };
    if (!full) return pub;
    return {
      ...pub,
      OperatingSystemDisplayName: 'Linux',
      PackageName: 'fake',
      HasPendingRestart: false,
      IsShuttingDown: false,
      SupportsLibraryMonitor: true,
      WebSocketPortNumber: 8096,
      CompletedInstallations: [],
      CanSelfRestart: false,
      CanLaunchWebBrowser: false,
      ProgramDataPath: '/config',
      ItemsByNamePath: '/config/metadata',
      CachePath: '/cache',
      LogPath: '/config/log',
      InternalMetadataPath: '/config/metadata',
      TranscodingTempPath: '/cache/transcodes',
      CastReceiverApplications: [],
      HasUpdateAvailable: false,
      EncoderLocation: 'System',
      SystemArchitecture: 'X64',
    };
  }
  const pub = { ...common, Version: '4.8.11.0', LocalAddresses: [localAddress], RemoteAddresses: [] };
  if (!full) return pub;
  return {
    ...pub,
    SystemUpdateLevel: 'Release',
    OperatingSystemDisplayName: 'Linux',
    PackageName: 'fake',
    HasPendingRestart: false,
    IsShuttingDown: false,
    OperatingSystem: 'Linux',
    SupportsLibraryMonitor: true,
    WebSocketPortNumber: 8096,
    CompletedInstallations: [],
    CanSelfRestart: false,
    CanSelfUpdate: false,
    CanLaunchWebBrowser: false,
    HttpServerPortNumber: 8096,
    SupportsHttps: false,
    HttpsPortNumber: 8920,
    HasUpdateAvailable: false,
    SupportsAutoRunAtStartup: false,
    HardwareAccelerationRequiresPremiere: true,
  };
}
