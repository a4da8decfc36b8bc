import { badRequest, conflict, notFound } from '../../http/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { LibrariesRepository } from './libraries.repository.js';

/**
 * Libraries are synced, never created by hand. A new library lands in Private and is shared with no
 * plan until the admin moves it to a group. Private and Standard are locked; Standard is in every plan.
 */
export class LibrariesService {
  constructor(
    private readonly repo: LibrariesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  list(filter: { serverId?: string | undefined; groupId?: string | undefined; includeRemoved: boolean }) {
    return this.repo.list(filter);
  }

  async setGroup(libraryId: string, groupId: string, actor: Actor): Promise<void> {
    const library = await this.repo.find(libraryId);
    if (!library) throw notFound('library_not_found', 'No library has that id.');
    if (!(await this.repo.findGroup(groupId))) throw badRequest('unknown_group', 'That library group does not exist.');
    if (library.group_id === groupId) return;
    await this.repo.setGroup(libraryId, groupId, this.clock.now().toISOString());
    await this.audit.record(actor, 'library.set_group', { type: 'library', id: libraryId }, { from: library.group_id, to: groupId, title: library.title });
  }

  listGroups() {
    return this.repo.listGroups();
  }

  async addGroup(name: string, actor: Actor) {
    if (await this.repo.findGroupByName(name)) throw conflict('group_exists', 'A library group with this name exists.');
    const id = newId();
    await this.repo.insertGroup({ id, name, now: this.clock.now().toISOString() });
    await this.audit.record(actor, 'library_group.add', { type: 'library_group', id }, { name });
    return { id, name };
  }

  async renameGroup(id: string, name: string, actor: Actor): Promise<void> {
    const group = await this.editableGroup(id);
    const other = await this.repo.findGroupByName(name);
    if (other && other.id !== id) throw conflict('group_exists', 'A library group with this name exists.');
    await this.repo.renameGroup(id, name);
    await this.audit.record(actor, 'library_group.rename', { type: 'library_group', id }, { from: group.name, to: name });
  }

  async deleteGroup(id: string, actor: Actor): Promise<void> {
    const group = await this.editableGroup(id);
    await this.repo.deleteGroup(id, this.clock.now().toISOString());
    await this.audit.record(actor, 'library_group.delete', { type: 'library_group', id }, { name: group.name });
  }

  private async editableGroup(id: string) {
    const group = await this.repo.findGroup(id);
    if (!group) throw notFound('group_not_found', 'No library group has that id.');
    if (group.builtin === 'private' || group.builtin === 'standard') {
      throw conflict('group_locked', `The ${group.name} group is built in and cannot be changed or deleted.`);
    }
    return group;
  }
}
