import { empty, json, type FakeRequest, type FakeResponse } from '../core/fake-server.js';
import { field, ok, plain, q, qBool, qInt, qList, serverError, userNotFound, validationProblem, type RouteContext } from './http.js';
import { activityDto, deviceDto, itemDto, mediaFolderItem, selectableMediaFolder, sessionDto, systemInfo, virtualFolder } from './serialize.js';

/** Libraries, items and counts, system info, Emby Premiere, devices and the activity log. */
export function registerLibraryRoutes(ctx: RouteContext, localAddress: () => string, premiere: () => boolean): void {
  const { state, flavor } = ctx;
  const libraries = () => [...state.libraries.values()];

  ctx.route('GET', '/Library/VirtualFolders/Query', (req) => {
    const all = libraries().map((l) => virtualFolder(state, l));
    const start = qInt(req, 'StartIndex') ?? 0;
    const limit = qInt(req, 'Limit');
    return ok({ Items: all.slice(start, limit === null ? undefined : start + limit), TotalRecordCount: all.length });
  });
  ctx.route('GET', '/Library/VirtualFolders', () => ok(libraries().map((l) => virtualFolder(state, l))));
  ctx.route('GET', '/Library/MediaFolders', () => {
    const items = libraries().map((l) => mediaFolderItem(state, l));
    return ok(flavor === 'jellyfin' ? { Items: items, TotalRecordCount: items.length, StartIndex: 0 } : { Items: items, TotalRecordCount: items.length });
  });
  if (flavor === 'emby') ctx.route('GET', '/Library/SelectableMediaFolders', () => ok(libraries().map(selectableMediaFolder)));

  ctx.route(
    'GET',
    '/Items/Counts',
    () => {
      const c = state.countByType();
      const counts = {
        MovieCount: c.Movie,
        SeriesCount: c.Series,
        EpisodeCount: c.Episode,
        ArtistCount: c.MusicArtist,
        ProgramCount: 0,
        TrailerCount: 0,
        SongCount: c.Audio,
        AlbumCount: c.MusicAlbum,
        MusicVideoCount: c.MusicVideo,
        BoxSetCount: 0,
        BookCount: c.Book,
        ItemCount: state.items.size,
      };
      return ok(flavor === 'emby' ? { ...counts, GameCount: 0, GameSystemCount: 0 } : counts);
    },
    'user',
  );

  ctx.route(
    'GET',
    '/Items',
    (req) => {
      const parentId = q(req, 'ParentId');
      const types = qList(req, 'IncludeItemTypes');
      const all = state.itemsIn(parentId, types);
      const start = qInt(req, 'StartIndex') ?? 0;
      const limit = qInt(req, 'Limit');
      const page = all.slice(start, limit === null ? undefined : start + limit).map((i) => itemDto(state, i, false));
      const enableTotal = qBool(req, 'EnableTotalRecordCount') ?? true;
      const result = { Items: page, TotalRecordCount: enableTotal ? all.length : 0 };
      return ok(flavor === 'jellyfin' ? { ...result, StartIndex: start } : result);
    },
    'user',
  );

  ctx.route(
    'GET',
    '/Items/:id/Download',
    (req, caller) => {
      const item = state.items.get(req.params.id!);
      if (!item) return serverError(flavor, 404, 'Item not found');
      if (caller.kind !== 'user') return serverError(flavor, 400, 'A user is required to download');
      const user = state.users.get(caller.userId);
      if (!user) return userNotFound();
      if (user.policy.EnableContentDownloading !== true) return empty(403);
      state.logDownload(user, item);
      return { status: 200, headers: { 'content-type': 'video/x-matroska', 'content-disposition': `attachment; filename="${item.name}.mkv"` }, body: Buffer.alloc(16) };
    },
    'user',
  );

  ctx.route('GET', '/System/ActivityLog/Entries', (req) => {
    const minDate = q(req, 'minDate');
    const hasUserId = qBool(req, 'hasUserId');
    const filtered = state.activity.filter((e) => (!minDate || e.date >= new Date(minDate).toISOString()) && (hasUserId !== true || Boolean(e.userId)));
    const sorted = [...filtered].reverse();
    const start = qInt(req, 'startIndex') ?? 0;
    const limit = qInt(req, 'limit');
    const page = sorted.slice(start, limit === null ? undefined : start + limit).map((e) => activityDto(state, e));
    return ok(flavor === 'jellyfin' ? { Items: page, TotalRecordCount: sorted.length, StartIndex: start } : { Items: page, TotalRecordCount: sorted.length });
  });

  ctx.route('GET', '/System/Info/Public', () => ok(systemInfo(state, localAddress(), false)), 'anonymous');
  ctx.route('GET', '/System/Info', () => ok(systemInfo(state, localAddress(), true)), 'user');
  if (flavor === 'emby') {
    // Undocumented in the 4.8 OpenAPI but served (§2.3).
    ctx.route('GET', '/Plugins/SecurityInfo', () => json(200, { SupporterKey: premiere() ? 'fake-supporter-key' : '', IsMBSupporter: premiere() }), 'user');
  }

  // Devices are state: a playback start (touchDevice) registers or refreshes one, DELETE removes it and
  // the user's policy keeps EnableAllDevices/EnabledDevices as posted. Evidence: the Emby SDK's
  // DeviceServiceApi (MediaBrowser/Emby.SDK, generated from the server) has GetDevices → QueryResult
  // of DeviceInfo and DeleteDevices(id) "Deletes a device", admin only; EnabledDevices/EnableAllDevices
  // are UserPolicy fields in fakes/contracts/emby.openapi.json.
  ctx.route('GET', '/Devices', (req) => {
    const userId = q(req, 'userId');
    const items = [...state.devices.values()].filter((d) => !userId || d.lastUserId === userId.replace(/-/g, '').toLowerCase()).map((d) => deviceDto(state, d));
    return ok(flavor === 'jellyfin' ? { Items: items, TotalRecordCount: items.length, StartIndex: 0 } : { Items: items, TotalRecordCount: items.length });
  });
  const deleteDevice = (req: FakeRequest): FakeResponse => {
    // Jellyfin 12 takes several `id`s (the SDK repeats the parameter); 10.x and Emby take one.
    const ids = qList(req, 'id');
    if (!ids) return validationProblem({ id: ['The id field is required.'] });
    const found = ids.map((id) => state.devices.get(id) ?? [...state.devices.values()].find((d) => String(d.internalId) === id));
    if (found.some((d) => !d)) return flavor === 'jellyfin' ? empty(404) : plain(404, 'Device not found');
    for (const device of found) state.deleteDevice(device!);
    return empty(204);
  };
  ctx.route('DELETE', '/Devices', deleteDevice);
  if (flavor === 'emby') ctx.route('POST', '/Devices/Delete', deleteDevice);
}

const PLAYSTATE_COMMANDS = ['Stop', 'Pause', 'Unpause', 'NextTrack', 'PreviousTrack', 'Seek', 'Rewind', 'FastForward', 'PlayPause'];

/** Sessions, playstate commands and on-screen messages. */
export function registerSessionRoutes(ctx: RouteContext): void {
  const { state, flavor } = ctx;
  ctx.route('GET', '/Sessions', (req) => {
    const deviceId = q(req, 'deviceId');
    const activeWithin = qInt(req, 'activeWithinSeconds');
    const cutoff = activeWithin === null ? null : new Date(Date.now() - activeWithin * 1000).toISOString();
    const list = [...state.sessions.values()].filter((s) => (!deviceId || s.deviceId === deviceId) && (!cutoff || s.lastActivityDate >= cutoff));
    return ok(list.map((s) => sessionDto(state, s)));
  });

  ctx.route('POST', '/Sessions/:id/Playing/:command', (req) => {
    const command = PLAYSTATE_COMMANDS.find((c) => c.toLowerCase() === req.params.command!.toLowerCase());
    if (!command) return validationProblem({ command: [`The value '${req.params.command}' is not valid.`] });
    const session = state.sessions.get(req.params.id!.toLowerCase());
    if (!session) return serverError(flavor, 404, 'Session not found');
    state.commands.push({ sessionId: session.id, command, at: new Date().toISOString() });
    if (command === 'Stop') state.stopPlayback(session);
    else if (session.itemId && (command === 'Pause' || command === 'Unpause' || command === 'PlayPause')) {
      state.setPaused(session.id, command === 'Pause' ? true : command === 'Unpause' ? false : !session.paused);
    }
    return empty(204);
  });

  ctx.route('POST', '/Sessions/:id/Message', (req) => {
    const session = state.sessions.get(req.params.id!.toLowerCase());
    // Jellyfin takes a MessageCommand JSON body; Emby 4.8 takes Text/Header/TimeoutMs as query parameters.
    const viaQuery = flavor === 'emby';
    const textValue = viaQuery ? q(req, 'Text') : field(req.body, 'Text');
    if (typeof textValue !== 'string' || textValue === '') return validationProblem({ Text: ['The Text field is required.'] });
    if (!session) return serverError(flavor, 404, 'Session not found');
    const header = viaQuery ? q(req, 'Header') : field(req.body, 'Header');
    const timeout = viaQuery ? qInt(req, 'TimeoutMs') : field(req.body, 'TimeoutMs');
    state.messages.push({
      sessionId: session.id,
      header: typeof header === 'string' ? header : null,
      text: textValue,
      timeoutMs: typeof timeout === 'number' ? timeout : null,
      via: viaQuery ? 'query' : 'json',
      at: new Date().toISOString(),
    });
    return empty(204);
  });
}
